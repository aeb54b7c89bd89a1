"""python build.py links: against a local server standing in for the cited sites and the archive's API.

Every test but the last runs with --allow-private (the server is on 127.0.0.1);
the last checks that without it nothing reaches the server. Nothing here times
a run: concurrency is seen by the server, which counts requests in flight.
"""
from __future__ import annotations

import difflib
import http.server
import json
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from storymap.cli import main
from storymap.desk import links, linksnet, linkswrite
from storymap.errors import Mark

TIMEOUT = 0.5  # seconds; the slow page answers after SLOW
SLOW = 3 * TIMEOUT
SNAPSHOT_TIME = "20231017123456"


class Sources(http.server.BaseHTTPRequestHandler):
    """The cited sites (paths below) and the archive's availability API (/wayback/available)."""

    protocol_version = "HTTP/1.0"
    seen: list[tuple[str, str, str]]  # (method, path, User-Agent), set per server
    in_flight: list[int]  # [now, most at once]
    lock: threading.Lock

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        with self.lock:
            self.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
            self.in_flight[0] += 1
            self.in_flight[1] = max(self.in_flight)
        try:
            self.route(head)
        finally:
            with self.lock:
                self.in_flight[0] -= 1

    def route(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/wayback/available":
            return self.archive_api()
        if path.startswith("/wait/"):  # concurrency: each of these holds its request a while
            time.sleep(0.3)
        if path == "/slow":
            time.sleep(SLOW)
        redirects = {"/moved": "/ok", "/loop-a": "/loop-b", "/loop-b": "/loop-a"}
        if path in redirects:
            return self.send(302, {"Location": redirects[path]})
        if path == "/no-head" and head:
            return self.send(405)
        status = {"/missing": 404, "/broken": 500, "/gone-archived": 404, "/gone-nowhere": 410}.get(path, 200)
        self.send(status)

    def archive_api(self) -> None:
        asked = parse_qs(urlsplit(self.path).query)["url"][0]
        known = urlsplit(asked).path in ("/missing", "/broken")
        base = f"http://127.0.0.1:{self.server.server_port}"
        closest = {"available": True, "status": "200", "timestamp": SNAPSHOT_TIME,
                   "url": f"{base}/web/{SNAPSHOT_TIME}/{asked}"}
        body = json.dumps({"url": asked, "archived_snapshots": {"closest": closest} if known else {}}).encode()
        self.send(200, {"Content-Type": "application/json"}, body)

    def send(self, status: int, headers: dict | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture
def server():
    handler = type("Handler", (Sources,), {"seen": [], "in_flight": [0, 0], "lock": threading.Lock()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.base = f"http://127.0.0.1:{httpd.server_port}"  # type: ignore[attr-defined]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run_links(server, *extra: str, private: bool = True):
    args = ["links", "--timeout", str(TIMEOUT), "--archive-api", f"{server.base}/wayback/available", *extra]
    return CliRunner().invoke(main, args + (["--allow-private"] if private else []), catch_exceptions=False)


def event(base: str, *sources: str, title: str = "Something happened") -> str:
    """An event file whose sources are the given YAML source lines ('url: /ok', ...), at base."""
    lines = [f"title: {title}", "date: 2023-10-05", "sources:"]
    for source in sources:
        first, *rest = source.replace("BASE", base).split("\n")
        lines.append(f"  - publisher: Example News  # who reported it\n    {first}")
        lines.extend(f"    {more}" for more in rest)
    return "\n".join(lines) + "\n"


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_live_links_pass_and_dead_ones_are_reported_where_written(project, server):
    base = server.base
    project.story(events={
        "a-live.yaml": event(base, "url: BASE/ok", "url: BASE/no-head", "url: BASE/moved",
                             "url: BASE/новости/статья?q=отчёт 2023"),
        "b-dead.yaml": event(base, "url: BASE/missing", "url: BASE/broken", "url: BASE/gone-nowhere",
                             "url: BASE/loop-a", "url: BASE/slow"),
    })
    result = run_links(server)
    assert result.exit_code == 1, result.output
    dead = project.stories / "test-story" / "events" / "b-dead.yaml"
    shown = "stories/test-story/events/b-dead.yaml"
    err = result.stderr
    assert f"{shown}:{line_of(dead, '/missing')}:10: dead link {base}/missing (404 Not Found) " \
           f"(hint: archive: {base}/web/{SNAPSHOT_TIME}/{base}/missing)" in err
    assert f"{shown}:{line_of(dead, '/broken')}:10: dead link {base}/broken (500 Internal Server Error) " \
           f"(hint: archive: {base}/web/{SNAPSHOT_TIME}/{base}/broken)" in err
    assert f"dead link {base}/gone-nowhere (410 Gone) (hint: the archive has no copy of it: find" in err
    assert f"dead link {base}/loop-a (redirect loop)" in err
    assert f"dead link {base}/slow (timed out after {TIMEOUT:g} s) (hint: the site may only be slow" in err
    assert "a-live.yaml" not in err  # answered directly, with GET after a refused HEAD, after a redirect
    assert "Checked 9 addresses: 4 live, 5 dead; the archive knows 2 copies: python build.py links --write adds them." \
        in result.stdout
    assert ("GET", "/no-head", linksnet.USER_AGENT) in server.RequestHandlerClass.seen
    assert ("HEAD", "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"
            "?q=%D0%BE%D1%82%D1%87%D1%91%D1%82%202023", linksnet.USER_AGENT) in server.RequestHandlerClass.seen


def test_every_request_says_who_asks_and_each_address_is_requested_once(project, server):
    base = server.base
    cited_often = event(base, "url: BASE/ok", "url: BASE/ok\narchive: BASE/moved", "url: BASE/missing")
    project.story(events={"one.yaml": cited_often, "two.yaml": cited_often, "three.yaml": cited_often})
    result = run_links(server)
    assert result.exit_code == 1 and result.stderr.count(f"dead link {base}/missing (404 Not Found)") == 3
    seen = server.RequestHandlerClass.seen
    assert {agent for _, _, agent in seen} == {"storymap-links/2 (+checks the sources cited in a story map)"}
    paths = [path for _, path, _ in seen]
    assert paths.count("/ok") == 2  # /ok itself, and where /moved leads
    assert paths.count("/missing") == 1 and paths.count("/moved") == 1
    assert sum(path.startswith("/wayback/available") for path in paths) == 1


def test_addresses_are_requested_at_the_same_time(project, server):
    base = server.base
    project.story(events={"many.yaml": event(base, *(f"url: BASE/wait/{n}" for n in range(8)))})
    assert run_links(server).exit_code == 0
    assert server.RequestHandlerClass.in_flight[1] >= 2  # one at a time would never have two in flight


def test_a_dead_url_with_an_archive_that_answers_passes_with_a_warning(project, server):
    base = server.base
    project.story(events={"a.yaml": event(base, "url: BASE/gone-archived\narchive: BASE/ok")})
    result = run_links(server)
    assert result.exit_code == 0, result.output
    assert f"warning: dead link {base}/gone-archived (404 Not Found); readers get its archived copy" in result.stderr
    assert not any(path.startswith("/wayback") for _, path, _ in server.RequestHandlerClass.seen)


def test_a_dead_archive_is_reported_at_its_own_line(project, server):
    base = server.base
    path = project.story(events={"a.yaml": event(base, "url: BASE/ok\narchive: BASE/missing")}) / "events" / "a.yaml"
    result = run_links(server)
    assert result.exit_code == 1
    assert f"a.yaml:{line_of(path, 'archive:')}:14: dead link {base}/missing (404 Not Found) " \
           "(hint: the page itself answers: archive it again" in result.stderr


COMMENTED = """\
# The convoy, as three outlets reported it.
title: Trucks leave the depot   # headline
date: 2023-10-05
sources:
  # first report
  - publisher: Example News
    url: {base}/missing     # gone since
    date: 2023-10-06

  - {{publisher: Wire, url: "{base}/broken", title: Short}}
  - publisher: Live Site
    url: {base}/ok
tags: [rail]   # keep
"""


def test_write_adds_only_the_archive_lines(project, server):
    base = server.base
    path = project.story(events={"a.yaml": COMMENTED.format(base=base)}) / "events" / "a.yaml"
    before = path.read_text()
    result = run_links(server, "--write")
    assert result.exit_code == 0, result.output
    after = path.read_text()
    missing_copy, broken_copy = (f"{base}/web/{SNAPSHOT_TIME}/{base}/{name}" for name in ("missing", "broken"))
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [f"+    archive: {missing_copy}",
                       f"-  - {{publisher: Wire, url: \"{base}/broken\", title: Short}}",
                       f"+  - {{publisher: Wire, url: \"{base}/broken\", archive: \"{broken_copy}\", title: Short}}"]
    assert after == before.replace(f"    url: {base}/missing     # gone since\n",
                                   f"    url: {base}/missing     # gone since\n    archive: {missing_copy}\n") \
        .replace(f'url: "{base}/broken",', f'url: "{base}/broken", archive: "{broken_copy}",')
    assert f"added archive: {missing_copy} at line 8" in result.stderr
    assert "added 2 archive: lines" in result.stdout
    again = run_links(server)
    assert again.exit_code == 0 and "warning: dead link" in again.stderr


def test_write_keeps_crlf_line_ends_and_a_byte_order_mark(project, server):
    base = server.base
    text = event(base, "url: BASE/missing").replace("\n", "\r\n")
    path = project.story(events={"a.yaml": b"\xef\xbb\xbf" + text.encode()}) / "events" / "a.yaml"
    assert run_links(server, "--write").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(f"url: {base}/missing\r\n    archive: {base}/web/{SNAPSHOT_TIME}/{base}/missing\r\n"
                         .encode())


def test_without_allow_private_nothing_reaches_the_server(project, server):
    base = server.base
    path = project.story(events={"a.yaml": event(base, "url: BASE/ok", "url: BASE/missing")}) / "events" / "a.yaml"
    result = run_links(server, private=False)
    assert result.exit_code == 1
    assert server.RequestHandlerClass.seen == []
    assert f"a.yaml:{line_of(path, '/ok')}:10: link not checked {base}/ok (refused: loopback address 127.0.0.1) " \
           "(hint: links requests only public addresses; use --allow-private" in result.stderr
    assert "Checked 2 addresses: 0 live, 2 not checked." in result.stdout


@pytest.mark.parametrize("address, kind", [
    ("10.1.2.3", "private"), ("192.168.0.1", "private"), ("172.16.5.4", "private"), ("127.0.0.1", "loopback"),
    ("::1", "loopback"), ("fe80::1", "link-local"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-public"), ("240.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("64:ff9b::a9fe:a9fe", "link-local"),
    ("2002:7f00:1::", "loopback"),
])
def test_non_public_addresses_are_refused(address, kind):
    assert linksnet.address_refusal(address) == f"{kind} address {address}"


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "2002:808:808::"])
def test_public_addresses_are_allowed(address):
    assert linksnet.address_refusal(address) is None


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    monkeypatch.setattr(linksnet.socket, "getaddrinfo",
                        lambda *args, **kwargs: [(2, 1, 6, "", ("93.184.215.14", 80)), (2, 1, 6, "", ("10.0.0.7", 80))])
    with pytest.raises(linksnet.Refused, match="private address 10.0.0.7"):
        linksnet.check("http://news.example/", linksnet.Settings())


def test_a_redirect_to_a_private_address_is_refused(monkeypatch, server):
    """The first hop is allowed (as if public); the redirect's target is checked again and refused."""
    real = linksnet.address_refusal
    monkeypatch.setattr(linksnet, "address_refusal",
                        lambda address: None if address == "127.0.0.1" else real(address))
    monkeypatch.setattr(linksnet.socket, "getaddrinfo", _resolving({"127.0.0.1": "127.0.0.1", "intranet": "10.0.0.9"}))
    server.RequestHandlerClass.route = lambda self, head: self.send(302, {"Location": "http://intranet/secret"})
    with pytest.raises(linksnet.Refused, match="private address 10.0.0.9"):
        linksnet.check(f"{server.base}/away", linksnet.Settings(timeout=TIMEOUT))


def _resolving(names: dict[str, str]):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(2, 1, 6, "", (names[host], port))]
    return getaddrinfo


def test_an_unknown_name_and_a_closed_port_have_plain_reasons(monkeypatch):
    import socket

    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    settings = linksnet.Settings(timeout=TIMEOUT, allow_private=True)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(linksnet.Dead, match="^connection refused$"):
        linksnet.check(f"http://127.0.0.1:{port}/", settings)
    monkeypatch.setattr(linksnet.socket, "getaddrinfo", unknown)
    with pytest.raises(linksnet.Dead, match="^name not found$"):
        linksnet.check("https://no-such-site.example/", settings)


@pytest.mark.parametrize("answer, expected", [
    ({"archived_snapshots": {"closest": {"available": True, "status": "200", "timestamp": "20231017000000",
                                         "url": "http://web.archive.org/web/20231017000000/https://x.org/a"}}},
     "https://web.archive.org/web/20231017000000/https://x.org/a"),
    ({"archived_snapshots": {}}, None),
    ({"archived_snapshots": {"closest": {"available": False, "url": "https://a.org/b"}}}, None),
    ({"archived_snapshots": {"closest": {"available": True, "status": "404", "url": "https://a.org/b"}}}, None),
    ({"archived_snapshots": {"closest": {"available": True, "url": "javascript:alert(1)"}}}, None),
    ({"archived_snapshots": {"closest": {"available": True, "url": "https://a.org/b\ntitle: injected"}}}, None),
    ([], None),
])
def test_only_a_usable_snapshot_is_proposed(answer, expected):
    assert links.snapshot_in(answer) == expected


def test_an_insertion_that_would_not_read_back_is_not_made():
    text = "title: T\nsources:\n  - publisher: P\n    url: |\n      https://x.org/a\n"
    insertion = linkswrite.Insertion(Path("a.yaml"), Mark("a.yaml", 4, 10), "https://web.archive.org/web/1/x")
    assert linkswrite.add_lines(text, [insertion]) == (text, [])


def test_a_machine_without_network_is_an_environment_failure(project, server, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    project.story(events={"a.yaml": event(server.base, "url: https://example.org/a", "url: https://example.net/b")})
    monkeypatch.setattr(linksnet.socket, "getaddrinfo", no_network)
    result = run_links(server)
    assert result.exit_code == 3
    assert "Error: no address could be looked up: this machine seems to have no network" in result.stderr


def test_an_archive_api_that_is_not_a_web_address_is_a_usage_mistake(project):
    project.story()
    result = CliRunner().invoke(main, ["links", "--archive-api", "file:///etc/passwd"])
    assert result.exit_code == 2 and "--archive-api file:///etc/passwd is not an http(s) address" in result.stderr


@pytest.mark.parametrize("address, day", [
    ("https://web.archive.org/web/20231017093000/https://example.org/2020/01/01/report", "2023-10-17"),
    ("http://web.archive.org/web/20231017093000id_/https://example.org/", "2023-10-17"),
    ("https://archive.ph/2023.10.17-093000/https://example.org/", "2023-10-17"),
    ("https://archive.ph/AbCdE", None),
    ("https://web.archive.org/web/20231399093000/https://example.org/", None),  # no 13th month
    ("https://web.archive.org/web/2023/https://example.org/", None),
])
def test_the_day_of_an_archived_copy_is_read_from_its_address(address, day):
    from storymap.render import pagedata

    found = pagedata.archive_day(address)
    assert (found.isoformat() if found else None) == day


def test_names_not_found_on_every_site_mean_no_network_but_one_site_gone_is_a_dead_link(project, server,
                                                                                        monkeypatch):
    import socket

    def not_found(*args, **kwargs):  # what a resolver that answers nothing says (this sandbox's does)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(linksnet.socket, "getaddrinfo", not_found)
    project.story(events={"a.yaml": event(server.base, "url: https://example.org/a", "url: https://example.net/b")})
    assert run_links(server).exit_code == 3
    project.story(events={"a.yaml": event(server.base, "url: https://example.org/a", "url: https://example.org/b")})
    result = run_links(server)
    assert result.exit_code == 1 and "dead link https://example.org/a (name not found)" in result.output
