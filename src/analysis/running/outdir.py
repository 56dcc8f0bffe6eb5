"""The output folder of a run: what may be replaced, one run at a time, nothing half-built.

The rules (docs/keuzes.md, "Output folder"):
* `--out` is never the extract, the derived data or the notebooks, never inside them and
  never around them (symlinks and `..` resolved): a run does not write into its own input.
  Nor may a file of the extract be a symbolic link into `--out`: replacing an earlier
  output would delete it.
* An existing `--out` must be one the run can move aside (not a mount point, nor a folder
  the user may not rename): tried before any work, not found out after the whole run.
* An existing, non-empty `--out` is replaced only when it is an earlier output of this
  suite (provenance.is_earlier_output); anything else is someone's folder and is refused.
* A run holds an exclusive lock, `.<name>.lock` beside `--out`, from its start to its end;
  a second run into the same folder is refused at once rather than racing the first.
* A run builds in `.<name>.bouw-*` beside `--out` and swaps it in at the end. A build left
  by a run that was killed (its lock no longer held) is removed by the next run.
"""
from __future__ import annotations

import fcntl
import glob
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import UsageError
from . import provenance


def _prefix(out: Path, kind: str) -> str:
    return f".{out.name}.{kind}"


def _beside(out: Path, kind: str) -> list[Path]:
    return sorted(out.parent.glob(glob.escape(_prefix(out, kind)) + "*"))


def check_relations(out: Path, inputs: dict[str, Path | None]) -> None:
    """Refuse an --out that is, lies inside, or contains one of the run's inputs."""
    out = Path(out).resolve()
    for what, path in inputs.items():
        if path is None:
            continue
        p = Path(path).resolve()
        if out == p or p in out.parents:
            raise UsageError(f"--out {out} is {what} ({p}) of ligt erin. Een run schrijft nooit in "
                             "zijn eigen invoer; kies een uitvoermap daarbuiten. Er is niets geschreven.")
        if out in p.parents:
            raise UsageError(f"--out {out} bevat {what} ({p}); vervangen zou de invoer wissen. Kies "
                             "een uitvoermap die de invoer niet bevat. Er is niets geschreven.")


def check_links(out: Path, extract: Path | None) -> None:
    """Refuse an extract holding a file (or folder) that resolves into --out: the run
    replaces an earlier output folder and would delete what the link points at."""
    if extract is None or not Path(extract).is_dir():
        return
    out = Path(out).resolve()
    for entry in sorted(Path(extract).iterdir()):
        target = entry.resolve()
        if target == out or out in target.parents:
            raise UsageError(f"{entry.name} in het extract {extract} verwijst naar {target}, in --out {out}. "
                             "De run vervangt die map en zou het bestand wissen. Kopieer het bestand "
                             "in het extract, of kies een andere --out. Er is niets geschreven.")


def check_publishable(out: Path) -> None:
    """An existing --out must be movable: publish() renames it aside and the build into its
    place. Tried here, on the real folder and put back at once, while the lock is held
    (a run killed in between gets it back from _clean_stale, as after publish), so that a
    mount point or a folder the user may not move is refused before any work."""
    if not out.exists():
        return
    if os.path.ismount(out):
        raise UsageError(f"--out {out} is een koppelpunt (mount point); een run vervangt zijn uitvoermap in "
                         "zijn geheel en kan een koppelpunt niet verplaatsen. Kies een map daarbinnen of "
                         "ernaast. Er is niets geschreven.")
    aside = out.with_name(f"{_prefix(out, 'oud-')}{os.getpid()}")
    try:
        os.replace(out, aside)
    except OSError as exc:
        raise UsageError(f"--out {out} bestaat al en kan niet worden vervangen ({exc.strerror}): een run "
                         f"verplaatst de oude uitvoer opzij, en dat mag hier niet. Kies een andere uitvoermap, "
                         "of een map waarvan u de bovenliggende map mag wijzigen. Er is niets geschreven.") from None
    os.replace(aside, out)


def check_replaceable(out: Path) -> None:
    """An existing --out must be empty or an earlier output of this suite."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is een bestand; geef een map op.")
    if not out.is_dir():
        return
    try:
        empty = not any(out.iterdir())
    except OSError as exc:
        raise UsageError(f"--out {out} kan niet worden gelezen ({exc.strerror}). Kies een andere "
                         "uitvoermap.") from None
    if not empty and not provenance.is_earlier_output(out):
        raise UsageError(
            f"--out {out} bestaat al en is geen eerdere uitvoer van deze suite (daarvoor moet er "
            f"een {provenance.HERKOMST} van deze suite in staan, met "
            f"{' en '.join(name for name, _ in provenance.LAYOUT)}). Kies een lege of nieuwe map; "
            "bestaande bestanden worden niet overschreven.")


def _open_lock(path: Path) -> int:
    """Open and lock `path`; retry when another run removed the file in between (a lock on
    a file that no longer has a name protects nothing)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _clean_stale(out: Path) -> None:
    """Remove what killed runs left beside --out (we hold the lock: no run is using it)."""
    for build in _beside(out, "bouw-"):
        shutil.rmtree(build, ignore_errors=True)
    for old in _beside(out, "oud-"):
        if not out.exists():
            os.replace(old, out)  # killed between the two renames of publish(): put it back
        else:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def claimed(out: Path):
    """Hold the lock on --out for the duration of the block; refuse if another run holds it."""
    parent = out.parent
    lock = parent / (_prefix(out, "lock"))
    made = [folder for folder in (parent, *parent.parents) if not folder.exists()]  # deepest first
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(lock)
    except BlockingIOError:
        raise UsageError(f"Er loopt al een run naar {out} (het slot {lock} is bezet). Wacht tot die "
                         "klaar is, of kies een andere --out. Er is niets geschreven.") from None
    except OSError as exc:
        _remove_empty(made)
        raise UsageError(f"In {parent} kan niet worden geschreven ({exc.strerror}). Kies een "
                         "uitvoermap op een plek waar u mag schrijven. Er is niets geschreven.") from None
    try:
        _clean_stale(out)
        yield
    finally:
        try:
            os.unlink(lock)
        except OSError:
            pass
        os.close(fd)
        if not out.exists():  # refused or failed: "nothing written" includes the folders above it
            _remove_empty(made)


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders a refused run made for its lock, deepest first, while empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


# The runner tells its notebook kernels, and only them, which build folder they fill: the
# notebooks record the final --out as `uitvoer` (that is where their files end up), and a
# notebook re-executed later by hand, without this variable, writes nothing.
BUILD_ENV = "ANALYSIS_BOUWMAP"


def build_for(out: str | Path) -> Path | None:
    """The build folder a running run fills for `out`, when this process is one of its
    kernels; None otherwise (a notebook re-executed from reports/ in JupyterLab)."""
    build = os.environ.get(BUILD_ENV)
    if not build:
        return None
    build, out = Path(build), Path(out)
    if build.parent != out.parent or not build.name.startswith(_prefix(out, "bouw-")) or not build.is_dir():
        return None
    return build


def new_build(out: Path) -> Path:
    """An empty build folder beside --out (same file system, so publishing is a rename)."""
    try:
        build = Path(tempfile.mkdtemp(prefix=_prefix(out, "bouw-"), dir=out.parent))
    except OSError as exc:
        raise UsageError(f"In {out.parent} kan niet worden geschreven ({exc.strerror}). Kies een "
                         "uitvoermap op een plek waar u mag schrijven. Er is niets geschreven.") from None
    os.chmod(build, 0o755)
    return build


def publish(build: Path, out: Path) -> None:
    """Swap the finished folder in; the old output (if any) is removed only afterwards."""
    old = None
    if out.exists():
        old = out.with_name(f"{_prefix(out, 'oud-')}{os.getpid()}")
        os.replace(out, old)
    try:
        os.replace(build, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
