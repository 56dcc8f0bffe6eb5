"""When notebooks start (running/schedule.py), without kernels: steps are names with the
names they wait for, and `execute` is a function that records what runs at the same time."""
from __future__ import annotations

import threading
import time
from collections import namedtuple

import pytest

from analysis.running import schedule

Step = namedtuple("Step", "target needs")


def steps(*names: str, needs: dict | None = None) -> list[Step]:
    return [Step(n, tuple((needs or {}).get(n, ()))) for n in names]


def targets(chosen) -> list[str]:
    return [s.target for s in chosen]


def test_a_step_starts_only_when_what_it_needs_is_done_and_a_place_is_free():
    pending = steps("a", "b", "c", "d", needs={"b": ["x"]})
    # b waits for x although it comes second; three places, one taken: a and c start
    assert targets(schedule.to_start(pending, set(), running=1, jobs=3)) == ["a", "c"]
    assert targets(schedule.to_start(pending, {"x"}, running=1, jobs=3)) == ["a", "b"]
    assert schedule.to_start(pending, set(), running=3, jobs=3) == []


def test_the_last_steps_start_together_once_no_more_wait_than_the_tail():
    # three running on three places: with four left nothing starts, with two left both do
    assert schedule.to_start(steps("a", "b", "c", "d"), set(), running=3, jobs=3, tail=2) == []
    assert targets(schedule.to_start(steps("c", "d"), set(), running=3, jobs=3, tail=2)) == ["c", "d"]
    # but not before what they need is done
    assert targets(schedule.to_start(steps("c", "d", needs={"d": ["c"]}), set(), running=3, jobs=3,
                                     tail=2)) == ["c"]
    # without a tail (an explicit --jobs) the limit holds to the end
    assert schedule.to_start(steps("c", "d"), set(), running=3, jobs=3, tail=0) == []


class Recorder:
    """An `execute` that notes how many steps run at once and in what order they start."""

    def __init__(self, seconds: float = 0.05, fails: str = ""):
        self.seconds, self.fails = seconds, fails
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.started: list[str] = []
        self.ended: list[str] = []

    def __call__(self, step: Step) -> float:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.started.append(step.target)
        time.sleep(self.seconds * (3 if step.target == "lang" else 1))
        with self.lock:
            self.now -= 1
            self.ended.append(step.target)
        if step.target == self.fails:
            raise RuntimeError(f"{step.target} faalt")
        return self.seconds


def test_an_explicit_limit_is_kept_to_the_end_and_every_step_runs_once_after_its_needs():
    rec = Recorder()
    done: list[str] = []
    schedule.run_all(steps("a", "b", "c", "d", "e", needs={"b": ["e"]}), rec, jobs=2, tail=0,
                     finished=lambda name, s: done.append(name))
    assert rec.most == 2
    assert sorted(done) == sorted(rec.started) == ["a", "b", "c", "d", "e"]
    assert rec.started.index("b") > rec.ended.index("e")


def test_with_a_tail_the_last_steps_run_beside_a_long_one_instead_of_after_it():
    rec = Recorder()
    schedule.run_all(steps("lang", "a", "b", "c"), rec, jobs=2, tail=2)
    # "lang" and "a" start; when "a" ends, two are left to start: both start at once
    assert rec.most == 3
    assert rec.ended[-1] == "lang"


def test_a_failure_is_raised_after_the_running_steps_end_and_nothing_new_starts():
    rec = Recorder(fails="a")
    with pytest.raises(RuntimeError, match="a faalt"):
        schedule.run_all(steps("a", "lang", "b", "c"), rec, jobs=2, tail=0)
    assert rec.now == 0 and "lang" in rec.ended  # the long one was waited for
    assert "c" not in rec.started


def test_a_step_waiting_for_a_name_not_in_the_plan_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="b wacht op x"):
        schedule.run_all(steps("a", "b", needs={"b": ["x"]}), Recorder(), jobs=2)


@pytest.mark.parametrize("jobs", [0, -1, schedule.JOBS_MAX + 1])
def test_a_number_of_jobs_that_never_starts_a_notebook_is_refused(jobs):
    from analysis.core.errors import UsageError
    with pytest.raises(UsageError, match="--jobs"):
        schedule.check_jobs(jobs, zero_is_default=False)
    assert schedule.check_jobs(0) == schedule.default_jobs()


def test_the_default_has_the_tail_and_an_explicit_number_none():
    """One home for the rule that the runner and make bench's floor both follow."""
    assert schedule.limits(None) == schedule.limits(0) == (schedule.default_jobs(), schedule.default_tail())
    assert schedule.limits(2) == (2, 0)
