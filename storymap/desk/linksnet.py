"""One web address asked whether it still answers, for `links`: HEAD, then GET where HEAD is refused.

Only public addresses are requested (unless allow_private): the host name is
looked up, every address it has is checked against the rule below, and the
connection goes to one of those checked addresses, never to a second lookup,
so a name that answers a public address to the check and a private one to the
connection (DNS rebinding) cannot reach inside. Every redirect is checked the
same way. HTTPS is verified against the host name, as a browser would. No
proxy from the environment is used: the check must know where it connects.
Nothing of an answer is read beyond its status line and headers, except the
archive's small JSON answer (read_json).
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote, urljoin, urlsplit

USER_AGENT = "storymap-links/2 (+checks the sources cited in a story map)"
MAX_REDIRECTS = 10
HEAD_REFUSED = frozenset({400, 403, 405, 501})  # statuses that often mean "no HEAD here": ask with GET
MAX_JSON_BYTES = 256 * 1024
NOT_WEB = "not an http(s) address"
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # IPv6 addresses that carry an IPv4 one in their last 32 bits


class Refused(Exception):
    """The address may not be requested: its reason reads '(refused: ...)'."""


class Dead(Exception):
    """The address does not answer usefully; the message is the short reason a journalist reads."""


@dataclass(frozen=True)
class Answer:
    status: int  # the last answer's, after redirects
    url: str  # where the redirects ended
    body: bytes = b""  # only for read_json


@dataclass(frozen=True)
class Settings:
    timeout: float = 10.0
    allow_private: bool = False


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be requested ('loopback address 127.0.0.1'), or None for a public one.

    Unspecified, loopback, link-local (169.254.169.254 is where clouds keep their secrets),
    private, multicast, reserved and shared (100.64/10) addresses are refused, and so is an
    IPv6 address that carries one of those as IPv4 (::ffff:10.0.0.1, 6to4, NAT64)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) does not change the kind
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if carried is not None:
            kind = _kind_of(carried)
            return f"{kind} address {address}" if kind else None
    kind = _kind_of(ip)
    return f"{kind} address {address}" if kind else None


def _kind_of(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
              ("multicast", ip.is_multicast), ("private", ip.is_private), ("reserved", ip.is_reserved),
              ("non-public", not ip.is_global))
    return next((kind for kind, applies in checks if applies), None)


def duration(seconds: float) -> str:
    """10 -> '10 s', 0.5 -> '0.5 s'."""
    return f"{seconds:g} s"


def resolve(host: str, port: int, settings: Settings) -> list[str]:
    """The host's addresses, each checked against the address rule; Refused or Dead otherwise."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise Dead("name not found") from None
        raise Dead("name lookup failed") from None
    except UnicodeError:
        raise Dead("name not found") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not settings.allow_private:
        for address in addresses:
            refusal = address_refusal(address)
            if refusal:
                raise Refused(refusal)
    return addresses


class _Connection(http.client.HTTPConnection):
    """Connects to an address already checked, whatever the host name would resolve to now."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _SecureConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        plain = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(plain, server_hostname=self.host)
        except BaseException:
            plain.close()
            raise


def _connect(addresses: list[str], port: int, timeout) -> socket.socket:
    """A connection to the first of the checked addresses that accepts one."""
    last: OSError = ConnectionRefusedError()
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as error:
            last = error
    raise last


def request(url: str, method: str, settings: Settings, body_limit: int = 0) -> Answer:
    """The answer to method at url, redirects followed (each hop checked); Dead or Refused otherwise."""
    seen: set[str] = set()
    for _ in range(MAX_REDIRECTS + 1):
        seen.add(url)
        status, location, body = _one_request(url, method, settings, body_limit)
        if status in (301, 302, 303, 307, 308) and location:
            following = urljoin(url, location).split("#", 1)[0]
            if urlsplit(following).scheme not in ("http", "https"):
                raise Dead("redirect to an address that is not http(s)")
            if following in seen:
                raise Dead("redirect loop")
            url = following
            continue
        return Answer(status, url, body)
    raise Dead(f"too many redirects (more than {MAX_REDIRECTS})")


def _one_request(url: str, method: str, settings: Settings, body_limit: int) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(NOT_WEB)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Dead("not a valid port") from None
    try:
        host = parts.hostname.encode("idna").decode("ascii")  # a name in another script, as DNS spells it
    except UnicodeError:
        raise Dead("name not found") from None
    addresses = resolve(host, port, settings)
    kind = _SecureConnection if parts.scheme == "https" else _Connection
    connection = kind(host, port, addresses, settings.timeout)
    # A server that answers a byte at a time would keep every read under the timeout: past
    # twice the timeout the connection is shut, which ends any read still waiting.
    shut: list[bool] = []
    watchdog = threading.Timer(2 * settings.timeout, _shut, (connection, shut))
    watchdog.daemon = True
    watchdog.start()
    try:
        path = request_target(parts.path, parts.query)
        connection.request(method, path, headers={"User-Agent": USER_AGENT, "Accept": "*/*",
                                                  "Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read(body_limit + 1) if body_limit else b""
        if len(body) > body_limit:
            raise Dead(f"answer larger than {body_limit:,} bytes")
        return response.status, response.getheader("Location", ""), body
    except (Dead, Refused):
        raise
    except Exception as error:  # every failure of the network or of the answer becomes a reason
        if shut:
            raise Dead(f"no complete answer after {duration(2 * settings.timeout)}") from None
        raise Dead(_reason(error, settings.timeout)) from None
    finally:
        watchdog.cancel()
        connection.close()


def request_target(path: str, query: str) -> str:
    """The path and query as sent: letters of other scripts and spaces, which journalists paste
    in addresses as browsers show them, percent-encoded; what is already encoded stays so."""
    target = quote(path or "/", safe="/%:@!$&'()*+,;=~")
    return target + (f"?{quote(query, safe='/%:@!$&()*+,;=~?')}" if query else "")


def _shut(connection: http.client.HTTPConnection, shut: list[bool]) -> None:
    sock = connection.sock
    shut.append(True)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _reason(error: Exception, timeout: float) -> str:
    """A failure as a journalist reads it: 'connection refused', 'timed out after 10 s'."""
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"timed out after {duration(timeout)}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not valid: {error.verify_message or 'not trusted'}"
    if isinstance(error, ssl.SSLError):
        return "TLS error"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(error, ConnectionResetError):
        return "connection reset"
    if isinstance(error, http.client.HTTPException):
        return "not a valid HTTP answer"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return "the request failed"


def status_text(status: int) -> str:
    """'404 Not Found'; the server's own words are never shown (they could say anything)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"status {status}"


def check(url: str, settings: Settings) -> str | None:
    """None when url answers (a status below 400 after redirects), else why it is dead.
    HEAD first; GET where HEAD is refused, or where the server hangs up on a HEAD."""
    try:
        answer = request(url, "HEAD", settings)
    except Dead as dead:
        if str(dead) != "the server closed the connection without answering":
            raise
        answer = None
    if answer is None or answer.status in HEAD_REFUSED:
        answer = request(url, "GET", settings)
    return status_text(answer.status) if answer.status >= 400 else None


def read_json(url: str, settings: Settings) -> bytes:
    """The body of a GET of url (a small JSON answer); Dead when the status is not 200."""
    answer = request(url, "GET", settings, body_limit=MAX_JSON_BYTES)
    if answer.status != 200:
        raise Dead(status_text(answer.status))
    return answer.body
