"""Builds against a failing machine: exit statuses, the build lock, the atomic swap, kill -9, symlinked --out."""
from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from storymap.desk import scaffold
from storymap import pipeline, write
from storymap.cli import main

from .conftest import FIXTURES, REPO

TINY = FIXTURES / "tiny"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tiny_args(out: Path, *more: str) -> list[str]:
    return ["--stories", str(TINY / "stories"), "--data", str(TINY / "data"), "--out", str(out), *more]


def build_process(out: Path, *more: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), *tiny_args(out, *more)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def leftovers(folder: Path, name: str = "site") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((f".{name}.building-", f".{name}.old-")))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A previous site at tmp_path/site."""
    assert run(*tiny_args(tmp_path / "site")).exit_code == 0
    return tmp_path / "site"


def mount_or_skip(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting needs root in a system that allows it")


# --- exit status 3: the machine failed ---------------------------------------------------------

def test_disk_full_exits_3_names_the_output_and_keeps_the_previous_site(built, monkeypatch):
    before = contents(built)
    real_write = write.write_file
    written = []

    def fill_the_disk(staging, relative, data):
        if len(written) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.path.join(staging, relative))
        written.append(relative)
        real_write(staging, relative, data)

    monkeypatch.setattr(write, "write_file", fill_the_disk)
    result = run(*tiny_args(built, "--base-url", "https://example.org/"))
    assert result.exit_code == 3, result.output
    assert f"Error: cannot write the site to {built}: no space left on device" in result.output
    assert "Hint: free some space on that disk" in result.output
    assert f"Nothing was written; {built} is unchanged." in result.output
    assert contents(built) == before and leftovers(built.parent) == []


def test_a_real_full_disk_exits_3(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    # The tiny site takes about 900 KB of tmpfs pages (its built-in base map's files among them).
    mount_or_skip("-t", "tmpfs", "-o", "size=1300k", "tmpfs", str(disk))
    try:
        assert run(*tiny_args(disk / "site")).exit_code == 0  # one site fits, two do not
        before = contents(disk / "site")
        result = run(*tiny_args(disk / "site", "--base-url", "https://example.org/"))
        assert result.exit_code == 3, result.output
        assert "no space left on device" in result.output and "Traceback" not in result.output
        assert contents(disk / "site") == before and leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_read_only_output_exits_3(built, tmp_path):
    mount_or_skip("--bind", str(tmp_path), str(tmp_path))
    try:
        mount_or_skip("-o", "remount,ro,bind", str(tmp_path))
        before = contents(built)
        for out in (built, tmp_path / "new" / "site"):
            result = run(*tiny_args(out))
            assert result.exit_code == 3, result.output
            assert f"Error: cannot write the site to {out}" in result.output
            assert "read-only file system" in result.output and "Hint: that disk is read-only" in result.output
        assert f"(making {tmp_path / 'new'})" in result.output
        assert contents(built) == before
    finally:
        subprocess.run(["umount", str(tmp_path)], check=True)
    assert leftovers(tmp_path) == [] and not (tmp_path / "new").exists()


def test_an_output_folder_without_write_permission_exits_3(built, monkeypatch):
    """root ignores permissions, so the refusal a journalist would meet is simulated."""
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(built.parent))

    monkeypatch.setattr(write.tempfile, "mkdtemp", refuse)
    result = run(*tiny_args(built))
    assert result.exit_code == 3
    assert f"cannot write the site to {built}: permission denied" in result.output
    assert "Hint: you may not write there (a build writes the new site beside the output folder" in result.output


def test_an_output_folder_that_is_a_mount_point_exits_3(tmp_path):
    (tmp_path / "site").mkdir()
    mount_or_skip("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(tmp_path / "site"))
    try:
        (tmp_path / "site" / write.MARKER).write_bytes(write.MARKER_TEXT)  # an earlier site
        (tmp_path / "site" / "index.html").write_text("earlier")
        before = contents(tmp_path / "site")
        result = run(*tiny_args(tmp_path / "site"))
        assert result.exit_code == 3, result.output
        assert "device or resource busy" in result.output and "Hint: the output folder is a mount point" \
            in result.output
        assert contents(tmp_path / "site") == before
    finally:
        subprocess.run(["umount", str(tmp_path / "site")], check=True)
    assert leftovers(tmp_path) == []


def test_out_under_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run(*tiny_args(tmp_path / "notes.txt" / "site"))
    assert result.exit_code == 2, result.output
    assert f"Error: cannot make output folder {tmp_path}/notes.txt/site: {tmp_path}/notes.txt is a file" \
        in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_name_with_control_characters_is_shown_escaped(tmp_path):
    (tmp_path / "notes\x1b[2J.txt").write_text("mine")
    result = run(*tiny_args(tmp_path / "notes\x1b[2J.txt"))
    assert result.exit_code == 2
    assert "\x1b" not in result.output and f"Error: output {tmp_path}/notes\\x1b[2J.txt is a file" in result.output


def test_any_other_os_error_is_a_message_with_exit_3(project, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "stories/new-one/story.yaml")

    monkeypatch.setattr(scaffold, "new_story", read_only)
    result = run("new", "story", "new-one")
    assert result.exit_code == 3
    assert result.output == ("Error: cannot use stories/new-one/story.yaml: read-only file system\n"
                             "Hint: check that the folder exists and that you may read and write it\n")


def test_a_path_outside_the_staging_folder_is_refused(built, monkeypatch):
    """A bug guard: a generated name that would leave the site is an exit-3 message, not a write."""
    render = pipeline.render_site
    monkeypatch.setattr(pipeline, "render_site", lambda *a, **k: {**render(*a, **k), "../escaped.html": b"x"})
    before = contents(built)
    result = run(*tiny_args(built))
    assert result.exit_code == 3
    assert "Error: refusing to write '../escaped.html' outside the output folder" in result.output
    assert not (built.parent / "escaped.html").exists()
    assert contents(built) == before and leftovers(built.parent) == []


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a/", "", "a\0b", ".."])
def test_staged_path_refuses_names_that_leave_or_bend(tmp_path, name):
    with pytest.raises(write.UnsafePath):
        write.staged_path(str(tmp_path), name)


def test_staged_path_and_write_file_stay_lexical(tmp_path):
    assert write.staged_path(str(tmp_path), "story/media/a.png") == str(tmp_path / "story" / "media" / "a.png")
    (tmp_path / "index.html").symlink_to(tmp_path.parent / "elsewhere.html")
    with pytest.raises(FileExistsError):  # never written through a link, even one made by someone else
        write.write_file(str(tmp_path), "index.html", b"x")
    assert not (tmp_path.parent / "elsewhere.html").exists()


# --- the build lock ----------------------------------------------------------------------------

def hold_lock(folder: Path, name: str = "site"):
    descriptor = os.open(folder / f".{name}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def test_a_second_build_into_the_same_folder_exits_3(built):
    before = contents(built)
    descriptor = hold_lock(built.parent)  # the first build, still writing
    try:
        second = build_process(built, "--base-url", "https://example.org/")
        _, stderr = second.communicate(timeout=120)
    finally:
        os.close(descriptor)
    assert second.returncode == 3, stderr
    assert f"Error: another build is writing {built}\nHint: wait for it to finish" in stderr
    assert "Traceback" not in stderr
    assert contents(built) == before and leftovers(built.parent) == []
    assert run(*tiny_args(built, "--base-url", "https://example.org/")).exit_code == 0  # free again
    assert contents(built) != before


# --- the atomic swap ---------------------------------------------------------------------------

def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "from-a").touch()
    (tmp_path / "b").mkdir()
    assert write.exchange(tmp_path / "a", tmp_path / "b")
    assert os.listdir(tmp_path / "b") == ["from-a"] and os.listdir(tmp_path / "a") == []


def test_rename_exchange_replaces_the_site_on_this_machine(tmp_path, monkeypatch):
    assert write.write_site({"index.html": b"one"}, tmp_path / "site") == "rename"

    def no_renames(*args):
        raise AssertionError("renamed instead of exchanging")

    monkeypatch.setattr(write.os, "rename", no_renames)
    assert write.write_site({"index.html": b"two"}, tmp_path / "site") == "exchange"
    assert (tmp_path / "site" / "index.html").read_bytes() == b"two"
    assert sorted(os.listdir(tmp_path)) == [".site.lock", "site"]


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL])
def test_two_renames_where_the_system_cannot_exchange(tmp_path, monkeypatch, code):
    import ctypes

    def cannot(*args):
        ctypes.set_errno(code)
        return -1

    write.write_site({"index.html": b"one"}, tmp_path / "site")
    monkeypatch.setattr(write, "_renameat2", lambda: cannot)
    assert write.write_site({"index.html": b"two", "a/b.html": b"b"}, tmp_path / "site") == "renames"
    assert contents(tmp_path / "site") == {"index.html": b"two", "a/b.html": b"b", write.MARKER: write.MARKER_TEXT}
    assert sorted(os.listdir(tmp_path)) == [".site.lock", "site"]


def test_leftovers_of_killed_builds_are_removed_by_the_next_build(built):
    for name in (".site.building-x1", ".site.old-x2"):
        (built.parent / name / "story").mkdir(parents=True)
        (built.parent / name / "story" / "index.html").write_text("half")
    (built.parent / ".site.notes").mkdir()  # not a build's: stays
    (built.parent / ".sitemap.building-x3").mkdir()  # another output's: stays
    assert run(*tiny_args(built)).exit_code == 0
    assert leftovers(built.parent) == []
    assert (built.parent / ".site.notes").is_dir() and (built.parent / ".sitemap.building-x3").is_dir()


def test_a_symlinked_output_stays_a_link_and_its_folder_is_replaced(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (tmp_path / "project").mkdir()
    link = tmp_path / "project" / "site"
    link.symlink_to(www / "maps")  # not there yet: the first build makes it
    assert run(*tiny_args(link)).exit_code == 0
    first = contents(www / "maps")
    result = run(*tiny_args(link, "--base-url", "https://example.org/"))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(www / "maps")
    assert contents(www / "maps") != first and b"https://example.org/" in (www / "maps" / "feed.xml").read_bytes()
    assert sorted(os.listdir(www)) == [".maps.lock", "maps"]  # staged beside the target, nothing left
    assert os.listdir(tmp_path / "project") == ["site"]
    descriptor = hold_lock(www, "maps")  # a build through another path to the same folder
    try:
        assert run(*tiny_args(www / "maps")).exit_code == 3
    finally:
        os.close(descriptor)


def test_a_folder_a_build_did_not_write_is_still_refused_through_a_link(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    (tmp_path / "site").symlink_to(mine)
    result = run(*tiny_args(tmp_path / "site"))
    assert result.exit_code == 2 and "refusing to replace" in result.output
    assert os.listdir(mine) == ["notes.txt"]


# --- kill -9 -----------------------------------------------------------------------------------

WRITER = textwrap.dedent("""\
    import json, sys
    from pathlib import Path
    from storymap import write
    sites = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    print("writing", flush=True)
    for turn in range(100000):
        write.write_site({k: v.encode() for k, v in sites[turn % 2].items()}, out)
""")


def two_sites() -> list[dict[str, str]]:
    """Two versions of a site of 40 stories, every file different between them."""
    return [{f"story-{s}/{page}": f"version {v} of story {s} {page} " * 40
             for s in range(40) for page in ("index.html", "embed.html", "data.csv", "media/a.png")}
            | {"index.html": f"index {v}"} for v in (0, 1)]


def test_kill_9_while_writing_leaves_the_old_or_the_new_site(tmp_path):
    sites = two_sites()
    expected = [{**{k: v.encode() for k, v in s.items()}, write.MARKER: write.MARKER_TEXT} for s in sites]
    (tmp_path / "sites.json").write_text(json.dumps(sites))
    out = tmp_path / "site"
    write.write_site({k: v.encode() for k, v in sites[1].items()}, out)
    seen, interrupted = set(), 0
    for delay in [0.0, 0.001, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.13, 0.2, 0.3]:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "sites.json"), str(out)],
                                  cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline() == "writing\n"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
        writer.stdout.close()
        found = contents(out)
        assert found in expected, f"after {delay} s: a mixed or partial site"
        seen.add(expected.index(found))
        interrupted += bool(leftovers(tmp_path))
    assert interrupted, "no kill landed while a build was writing"
    assert write.write_site({k: v.encode() for k, v in sites[0].items()}, out) == "exchange"
    assert leftovers(tmp_path) == [] and contents(out) == expected[0]


def wait_for_staging(folder: Path, build: subprocess.Popen) -> None:
    """Until `build` makes its staging folder (a killed build's may still be there)."""
    earlier = set(leftovers(folder))
    while not set(leftovers(folder)) - earlier and build.poll() is None:
        time.sleep(0.0005)


def test_kill_9_of_a_real_build_then_the_next_build_cleans_up(built):
    old = contents(built)
    assert run(*tiny_args(built.parent / "reference", "--base-url", "https://example.org/")).exit_code == 0
    new = contents(built.parent / "reference")
    for delay in (0.0, 0.02):
        build = build_process(built, "--base-url", "https://example.org/")
        wait_for_staging(built.parent, build)  # its write stage has begun
        time.sleep(delay)
        build.kill()
        build.communicate(timeout=30)
        assert contents(built) in (old, new)
    assert run(*tiny_args(built)).exit_code == 0  # the kernel freed the killed builds' lock
    assert contents(built) == old and leftovers(built.parent) == []
