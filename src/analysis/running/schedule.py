"""When each notebook of a run starts: how many at once, in what order, and at the end.

The runner and `make bench`'s floor run their notebooks through this one loop, so that the
floor differs from the suite only in the work its notebooks do. It imports nothing heavy:
the floor's process must not pay for pandas.
"""
from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Callable, Protocol, Sequence

from ..core.errors import UsageError

JOBS_MAX = 64  # more kernels than this is a typing error, not a machine


class Step(Protocol):
    """A notebook to execute: its name in the run, and the names it waits for."""
    target: str
    needs: tuple[str, ...]


def default_jobs() -> int:
    """One kernel per core, plus one: a kernel spends part of its life waiting (starting,
    handshaking, saving), and a third kernel on two cores fills those gaps (make bench
    measures it: about 20% faster than two)."""
    return (os.cpu_count() or 1) + 1


def default_tail() -> int:
    """How many notebooks, at the end of a run with the default --jobs, start at once.

    Notebooks take unequal times (the monitor about twice a table), so the last notebook of
    a run used to run alone for seconds while the other cores idled: on two cores, the last
    of twelve ran about 2,5 s alone. Once no more notebooks wait to start than there are
    cores, they all start, so that each core has a notebook until close to the end. An
    explicit --jobs N is a limit the user chose (memory, a shared machine) and is kept to
    exactly: no tail."""
    return os.cpu_count() or 1


def limits(jobs: int | None) -> tuple[int, int]:
    """(at once, tail) for a run: None or 0, the default, is default_jobs() with the tail;
    an explicit number is kept to the end, without one."""
    return (default_jobs(), default_tail()) if not jobs else (jobs, 0)


def check_jobs(jobs: int, zero_is_default: bool = True) -> int:
    """0 means the default (not on the command line); otherwise between 1 and JOBS_MAX
    (0 or less would never start a notebook, and the loop would wait forever)."""
    if jobs == 0 and zero_is_default:
        return default_jobs()
    if not 1 <= jobs <= JOBS_MAX:
        raise UsageError(f"--jobs {jobs} kan niet: geef een aantal notebooks tegelijk van 1 tot en "
                         f"met {JOBS_MAX} (standaard: aantal cores plus een, hier {default_jobs()}).")
    return jobs


def to_start(pending: Sequence[Step], done: set[str], running: int, jobs: int, tail: int = 0) -> list[Step]:
    """The notebooks to start now: in the plan's order, those whose inputs are done, while
    fewer than `jobs` run; and every ready one once no more than `tail` are left to start."""
    ready = [s for s in pending if set(s.needs) <= done]
    if len(pending) <= tail:
        return ready
    return ready[: max(0, jobs - running)]


def run_all(steps: Sequence[Step], execute: Callable[[Step], float], jobs: int, tail: int = 0,
            finished: Callable[[str, float], None] = lambda name, seconds: None) -> None:
    """Execute every step (`execute` returns its seconds), each as soon as `to_start` lets
    it. The first failure is raised once the steps still running have ended (a run cleans
    up its build folder only when no kernel writes into it any more); steps not started by
    then never start."""
    pending = list(steps)
    done: set[str] = set()
    running: dict = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs + tail)) as pool:
        while pending or running:
            for step in to_start(pending, done, len(running), jobs, tail):
                pending.remove(step)
                running[pool.submit(execute, step)] = step.target
            if not running:  # a step waits for one that is not in the plan: nothing can start
                raise RuntimeError(f"{pending[0].target} wacht op {', '.join(pending[0].needs)}, "
                                   "dat niet in het plan staat")
            ended, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in ended:
                name = running.pop(fut)
                seconds = fut.result()  # a failure leaves the `with`, whose shutdown waits for the rest
                done.add(name)
                finished(name, seconds)
