"""The only code that touches the output directory.

A build writes the whole site into a new staging folder beside the output
(`.site.building-XXXX`), then swaps it in at once, so readers and `serve`
never see a half-written site and a failed build leaves the previous one as
it was.

- **One build at a time.** A build holds an exclusive `flock` on a lock file
  beside the output (`.site.lock`) while it writes; a second build into the
  same folder stops with "another build is writing site" instead of racing.
  The kernel releases the lock when its process ends, even under `kill -9`,
  so a killed build never blocks the next one. The lock file itself stays:
  deleting it would let two builds lock two different files.
- **The swap.** On Linux, `renameat2(RENAME_EXCHANGE)` (called through ctypes)
  exchanges the staging folder and the output in one step: at every moment,
  even if the build is killed, the output path holds the previous complete
  site or the new one. The previous site ends up at the staging path and is
  removed. Where the call does not exist (not Linux, an old C library or
  kernel: ENOSYS) or the filesystem cannot exchange (EINVAL), two renames
  are used instead: output -> `.site.old-XXXX`, staging -> output. A build
  killed between those two renames leaves no site at the output path until
  the next build.
- **Leftovers.** A killed build can leave `.site.building-*` or `.site.old-*`
  folders; the next build, once it holds the lock, removes them.
- **A symlinked output** (`site -> /var/www/story-maps`) keeps working: the
  link is resolved, its target folder is what gets replaced, and the staging
  folder is made beside the target so the swap stays on one filesystem.
- **Paths.** Every file's path is computed lexically from its name in the
  site and checked to stay inside the staging folder (`staged_path`); files
  are created new, never through an existing file or link. The staging
  folder is new and empty, so nothing inside it can redirect a write.
- **Incremental builds** (`serve`) pass a `Reuse`: the files whose bytes equal the
  site the previous build swapped in are staged as hard links to that site's files
  (`os.link`) instead of being written again, only when the output is still the very
  folder that build swapped in (same device and inode) and the file has the expected
  size; a link that fails (another filesystem, no links allowed) is written instead.
  Files are never changed in place, so a link shares bytes that no build alters.
- **Failures of the machine** (disk full, a read-only or unwritable output)
  become an EnvironmentProblem (exit status 3) naming the output and the
  reason; the staging folder is removed and the previous site is untouched.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import os
import shutil
import sys
from stat import S_ISREG
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from storymap.errors import EnvironmentProblem, UserError, display_path

MARKER = ".storymap-site"
MARKER_TEXT = b"This folder is written by build.py and replaced whole on every build; do not edit it.\n"

AT_FDCWD = -100  # <fcntl.h>: paths relative to the working folder
RENAME_EXCHANGE = 2  # <linux/fs.h>
# errno values meaning "this system or filesystem cannot exchange": fall back to two renames
NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}

# Hints for the failures a journalist can fix, by errno.
OS_ERROR_HINTS: dict[int | None, str] = {  # looked up by OSError.errno, which may be None
    errno.ENOSPC: "free some space on that disk (a build needs room for a second copy of the site "
                  "while it writes) and build again",
    errno.EDQUOT: "free some space within your disk quota and build again",
    errno.EACCES: "you may not write there (a build writes the new site beside the output folder, so it "
                  "needs the folder that holds it too): choose another --out, or ask for write access",
    errno.EPERM: "you may not write there (a build writes the new site beside the output folder, so it "
                 "needs the folder that holds it too): choose another --out, or ask for write access",
    errno.EROFS: "that disk is read-only: choose another --out on a writable disk",
    errno.EBUSY: "the output folder is a mount point (a Docker volume, say) and cannot be replaced: "
                 "give --out a folder inside it",
}


@dataclass
class Reuse:
    """What a build may take from the site the previous one swapped in (render/memo.py fills it)."""

    unchanged: frozenset[str] = field(default_factory=frozenset)  # names whose bytes equal that site's file
    site: tuple[int, int] | None = None  # (device, inode) of the folder the previous write swapped in
    linked: int = 0  # the last write: files linked from the previous site...
    written: int = 0  # ...and files written


class UnsafePath(ValueError):
    """A file name that would leave the staging folder: a bug guard, never a journalist's input."""


def output_target(out_dir: Path) -> Path:
    """The folder a build replaces: --out itself, or the folder it links to."""
    return Path(os.path.realpath(out_dir))


def check_output_dir(out_dir: Path) -> None:
    """Refuse to replace a folder that a build did not make (e.g. --out pointing at the project)."""
    try:
        _check_target(output_target(out_dir), display_path(out_dir))
    except OSError as error:
        raise environment_problem(error, out_dir) from None


def _check_target(target: Path, shown: str) -> None:
    if not target.exists():
        for folder in target.parents:  # `--out notes.txt/site`: a file where a folder must go
            if folder.exists():
                if not folder.is_dir():
                    raise UserError(f"cannot make output folder {shown}: {display_path(folder)} is a file",
                                    "choose another --out")
                return
        return
    if not target.is_dir():
        raise UserError(f"output {shown} is a file, not a folder", "choose another --out")
    if any(target.iterdir()) and not (target / MARKER).is_file():
        raise UserError(f"refusing to replace {shown}: it has files a build did not write",
                        "choose an empty or new folder with --out")


def write_site(files: dict[str, bytes], out_dir: Path, reuse: Reuse | None = None) -> str:
    """Write `files` (site-relative name -> content) as the new site at out_dir; with `reuse`,
    the files it names unchanged are linked from the current site when it is the one expected.

    Returns how the site was put in place: "exchange", "renames" (the
    fallback) or "rename" (there was no previous site).
    """
    target = output_target(out_dir)
    check_output_dir(out_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with build_lock(target, out_dir):
            check_output_dir(out_dir)  # it may have changed while the pages were made
            remove_leftovers(target)
            return _stage_and_swap(files, target, reuse)
    except OSError as error:
        raise environment_problem(error, out_dir) from None
    except UnsafePath as error:
        raise EnvironmentProblem(f"refusing to write {error} outside the output folder {display_path(out_dir)}",
                                 "this is a bug in the build program; please report it") from None


@contextmanager
def build_lock(target: Path, out_dir: Path) -> Iterator[None]:
    """Hold the lock on `.<name>.lock` beside the output while this build writes it."""
    descriptor = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EnvironmentProblem(f"another build is writing {display_path(out_dir)}",
                                     "wait for it to finish (or stop it, or the serve rebuilding that "
                                     "folder) and build again") from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def remove_leftovers(target: Path) -> None:
    """Remove the staging and retired folders of builds that were killed (call with the lock held)."""
    prefixes = (f".{target.name}.building-", f".{target.name}.old-")
    with os.scandir(target.parent) as entries:
        leftovers = [e.path for e in entries if e.name.startswith(prefixes) and e.is_dir(follow_symlinks=False)]
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _stage_and_swap(files: dict[str, bytes], target: Path, reuse: Reuse | None) -> str:
    staging = tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent)
    unchanged = reuse.unchanged if reuse is not None and reuse.site is not None else frozenset()
    current = str(target) if unchanged and _identity(target) == reuse.site else None  # type: ignore[union-attr]
    linked = 0
    try:
        for relative, data in sorted(files.items()):
            if current is not None and relative in unchanged and link_file(current, staging, relative, data):
                linked += 1
            else:
                write_file(staging, relative, data)
        write_file(staging, MARKER, MARKER_TEXT)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        how = swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # after an exchange: the previous site
    if reuse is not None:
        reuse.site, reuse.linked, reuse.written = _identity(target), linked, len(files) - linked
    return how


def _identity(folder: Path) -> tuple[int, int] | None:
    """The device and inode of a folder (not through a link), or None when there is none."""
    try:
        stat = os.lstat(folder)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def link_file(current: str, staging: str, relative: str, data: bytes) -> bool:
    """Stage the current site's copy of an unchanged file by a hard link; False when that cannot be
    done (no such regular file of the expected size, or links not allowed there): write it then."""
    source = staged_path(current, relative)
    try:
        found = os.lstat(source)
        if not S_ISREG(found.st_mode) or found.st_size != len(data):
            return False
        path = staged_path(staging, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.link(source, path, follow_symlinks=False)
    except OSError:
        return False
    return True


def staged_path(staging: str, relative: str) -> str:
    """The path of the site file `relative` inside `staging`, computed without touching the disk."""
    parts = relative.split("/")
    if "\0" in relative or os.path.isabs(relative) or any(part in ("", ".", "..") for part in parts):
        raise UnsafePath(repr(relative))
    path = os.path.normpath(os.path.join(staging, relative))
    if not path.startswith(os.path.join(staging, "")):
        raise UnsafePath(repr(relative))
    return path


def write_file(staging: str, relative: str, data: bytes) -> None:
    path = staged_path(staging, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # O_EXCL | O_NOFOLLOW: a new file, never through an existing file or link
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with open(os.open(path, flags, 0o666), "wb") as stream:
        stream.write(data)


def swap(staging: str, target: Path) -> str:
    """Put the staging folder at `target`; the previous site, if any, ends up at `staging`."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        return "rename"
    if exchange(staging, target):
        return "exchange"
    _swap_by_renames(staging, target)
    return "renames"


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2, or None where the C library has none (not Linux, glibc before 2.28)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: str | Path, second: str | Path) -> bool:
    """Swap two paths in one step; False where this system or filesystem cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


def _swap_by_renames(staging: str, target: Path) -> None:
    retired = tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent)
    os.rmdir(retired)  # a free name next to the output
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(retired, target)
        raise
    os.rename(retired, staging)  # the caller removes the previous site from there


def environment_problem(error: OSError, out_dir: Path) -> EnvironmentProblem:
    """`cannot write site: no space left on device`, with what to do about it."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    reason = reason[:1].lower() + reason[1:]
    where = display_path(out_dir)
    culprit = Path(os.path.abspath(error.filename)) if isinstance(error.filename, (str, Path)) else None
    if culprit is not None and culprit in output_target(out_dir).parents and not culprit.exists():
        where += f" (making {display_path(culprit)})"  # `--out /read-only/new/site`
    hint = OS_ERROR_HINTS.get(error.errno, "check that folder and its disk, and build again")
    return EnvironmentProblem(f"cannot write the site to {where}: {reason}", hint)
