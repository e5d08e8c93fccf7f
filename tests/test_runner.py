"""The runner: a lab in a child process (or on a thread), driven by commands, never blocking.

Toy labs keep these fast; one test uses the real torch child and the real perceptron.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from museum.lab.api import DIVERGED, DONE, FAILED, PAUSED, RUNNING, MetricHistory
from museum.lab.loop import LabLoop, shift_speed
from museum.lab.runner import ChildRunner, InProcessRunner
from tests.toy_labs import BrokenLab, CounterLab, FinishingLab

RUNNERS = [ChildRunner, InProcessRunner]


def wait_for(runner, predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        update = runner.latest()
        if update is not None and predicate(update):
            return update
        time.sleep(0.01)
    raise AssertionError(f"timed out; last update: {runner.latest()}")


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (PID 1 here does not reap)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(autouse=True)
def no_torch_in_toy_children(monkeypatch):
    monkeypatch.setenv("MUSEUM_CHILD_NO_TORCH", "1")


@pytest.mark.parametrize("kind", RUNNERS, ids=lambda k: k.__name__)
def test_start_run_pause_step_reset(kind):
    runner = kind("tests.toy_labs:CounterLab", seed=3, speed=0)
    runner.start()
    try:
        first = wait_for(runner, lambda u: True)
        assert first.state == PAUSED and first.step == 0 and first.seed == 3
        runner.send("run")
        running = wait_for(runner, lambda u: u.step > 100)
        assert running.state == RUNNING
        assert running.claim_met and running.claim_step == 5
        runner.send("pause")
        paused = wait_for(runner, lambda u: u.state == PAUSED)
        time.sleep(0.3)
        assert runner.latest().step == paused.step, "a paused lab does not step"
        runner.send("step")
        assert wait_for(runner, lambda u: u.step == paused.step + 1).state == PAUSED
        runner.send("reset", 9)
        reset = wait_for(runner, lambda u: u.step == 0 and u.seed == 9)
        assert not reset.claim_met and reset.claim_step is None and reset.history == {}
    finally:
        runner.close()


@pytest.mark.parametrize("kind", RUNNERS, ids=lambda k: k.__name__)
def test_speed_paces_the_steps(kind):
    runner = kind("tests.toy_labs:CounterLab", speed=10)
    runner.start()
    try:
        wait_for(runner, lambda u: True)
        runner.send("run")
        time.sleep(1.0)
        steps = runner.latest().step
        assert 5 <= steps <= 13, steps  # ~10 a second, not flat out
        runner.send("speed", 0)
        wait_for(runner, lambda u: u.speed == 0 and u.step > 1000)
    finally:
        runner.close()


@pytest.mark.parametrize("kind", RUNNERS, ids=lambda k: k.__name__)
def test_nan_pauses_with_a_message_and_reset_recovers(kind):
    runner = kind("tests.toy_labs:CounterLab", speed=0)
    runner.start()
    try:
        wait_for(runner, lambda u: True)
        runner.send("command", "lr", 1e9)  # an absurd learning rate
        runner.send("run")
        diverged = wait_for(runner, lambda u: u.state == DIVERGED)
        assert diverged.error == "diverged"
        runner.send("run")
        time.sleep(0.2)
        assert runner.latest().state == DIVERGED, "a diverged lab does not run on"
        runner.send("reset", 0)
        runner.send("run")
        recovered = wait_for(runner, lambda u: u.state == RUNNING and u.step > 10)
        assert recovered.error is None
    finally:
        runner.close()


@pytest.mark.parametrize("kind", RUNNERS, ids=lambda k: k.__name__)
def test_a_broken_lab_is_reported_not_raised(kind):
    runner = kind("tests.toy_labs:BrokenLab", speed=0)
    runner.start()
    try:
        wait_for(runner, lambda u: True)
        runner.send("run")
        failed = wait_for(runner, lambda u: u.state == FAILED)
        assert "the lab broke" in failed.error
    finally:
        runner.close()


@pytest.mark.parametrize("kind", RUNNERS, ids=lambda k: k.__name__)
def test_a_missing_lab_is_reported(kind):
    runner = kind("tests.toy_labs:NoSuchLab", speed=0)
    runner.start()
    try:
        assert wait_for(runner, lambda u: u.state == FAILED).error
    finally:
        runner.close()


def test_a_bad_command_value_is_a_note_not_a_crash():
    loop = LabLoop(CounterLab)
    loop.handle(("command", "label", 12))
    assert loop.error == "label must be text" and loop.state == PAUSED
    loop.handle(("command", "label", "猫🐈\u0301"))
    assert loop.error is None and loop.lab.label == "猫🐈\u0301"


def test_a_finished_lab_stops_as_done():
    loop = LabLoop(FinishingLab, speed=0)
    loop.handle(("run",))
    while loop.advance():
        pass
    assert loop.state == DONE and loop.step_count == 3
    loop.handle(("run",))
    assert loop.state == DONE


def test_broken_lab_in_loop():
    loop = LabLoop(BrokenLab)
    assert not loop.advance() and loop.state == FAILED


def test_history_stays_small_over_a_long_run():
    history = MetricHistory(capacity=64)
    for step in range(1, 100_001):
        history.add(step, {"loss": 1.0 / step})
    steps, values = history.export()["loss"]
    assert len(steps) < 64 and steps == sorted(steps)
    assert steps[-1] > 90_000, "the sketch still reaches the end of the run"
    assert all(v == pytest.approx(1.0 / s) for s, v in zip(steps, values))


def test_speed_levels_are_clamped():
    assert shift_speed(1.0, -1) == 1.0
    assert shift_speed(1000.0, 1) == 0.0
    assert shift_speed(0.0, 1) == 0.0
    assert shift_speed(0.0, -1) == 1000.0


def test_close_ends_the_child_within_two_seconds():
    runner = ChildRunner("tests.toy_labs:CounterLab", speed=0)
    runner.start()
    wait_for(runner, lambda u: True)
    runner.send("run")
    pid = runner.pid
    runner.close()
    deadline = time.monotonic() + 2.0
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(pid)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_a_killed_parent_takes_its_child_with_it(tmp_path, how):
    """Even SIGKILL of the UI (no cleanup at all) ends the lab's process within 2 s."""
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from museum.lab.runner import ChildRunner
        runner = ChildRunner("tests.toy_labs:CounterLab", speed=0)
        runner.start()
        while runner.latest() is None:
            time.sleep(0.01)
        runner.send("run")
        print(runner.pid, flush=True)
        time.sleep(60)
    """))
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    child_pid = int(parent.stdout.readline())
    assert alive(child_pid)
    parent.send_signal(getattr(signal, how))
    parent.wait(timeout=5)
    deadline = time.monotonic() + 2.0
    while alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(child_pid)


def test_the_real_perceptron_trains_in_a_warm_torch_child(monkeypatch):
    monkeypatch.delenv("MUSEUM_CHILD_NO_TORCH")
    from museum.lab.runner import WarmPool

    pool = WarmPool()
    pool.fill()
    runner = ChildRunner(
        "exhibits.foundations.perceptron.lab:PerceptronLab", speed=0, process=pool.take()
    )
    runner.start()
    try:
        wait_for(runner, lambda u: True, timeout=30)
        runner.send("run")
        done = wait_for(runner, lambda u: u.state == DONE, timeout=30)
        assert done.claim_met and done.claim_step == 120  # seed 0, measured
        assert done.snapshot["points"].shape == (40, 2)
    finally:
        runner.close()
        pool.close()


def test_a_real_lab_pushed_to_nan_pauses_with_a_message_and_reset_starts_it_afresh(monkeypatch):
    """The transformer with an absurd learning rate, in a real torch child."""
    monkeypatch.delenv("MUSEUM_CHILD_NO_TORCH")
    from museum.lab.runner import WarmPool
    from museum.widgets.status import control_text

    pool = WarmPool()
    pool.fill()
    runner = ChildRunner(
        "exhibits.attention.transformer.lab:TransformerLab", speed=0, params={"lr": 1e8},
        process=pool.take(),
    )
    runner.start()
    try:
        wait_for(runner, lambda u: u.state == PAUSED, timeout=60)
        runner.send("run")
        diverged = wait_for(runner, lambda u: u.state == DIVERGED, timeout=60)
        assert diverged.error == "diverged"
        assert "press r to reset" in control_text(diverged, "en").plain
        runner.send("run")
        time.sleep(0.5)
        assert runner.latest().step == diverged.step, "a diverged lab does not run on"
        runner.send("reset", 0)
        fresh = wait_for(runner, lambda u: u.state == PAUSED and u.step == 0, timeout=60)
        assert fresh.error is None
    finally:
        runner.close()
        pool.close()


def test_leaving_an_exhibit_recycles_its_warm_process():
    """The same process runs one lab after another; no new process per exhibit."""
    from museum.lab.runner import WarmPool

    pool = WarmPool()
    pool.fill()
    first = pool.take()
    runner = ChildRunner("tests.toy_labs:CounterLab", speed=0, process=first, pool=pool)
    runner.start()
    wait_for(runner, lambda u: True)
    runner.send("run")
    wait_for(runner, lambda u: u.step > 100)
    runner.close()  # recycle
    deadline = time.monotonic() + 10
    while pool.idle == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.idle == 1
    again = pool.take()
    assert again.pid == first.pid, "the warm process came back"
    second = ChildRunner("tests.toy_labs:CounterLab", seed=4, speed=0, process=again, pool=pool)
    second.start()
    try:
        fresh = wait_for(second, lambda u: True)
        assert fresh.step == 0 and fresh.seed == 4, "a clean lab, not the old one's state"
    finally:
        second.close(recycle=False)
        pool.close()
    # The 2 s bound has its own tests; here only that the process does end (CI can be loaded).
    deadline = time.monotonic() + 5
    while alive(first.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(first.pid)


def test_a_closed_pool_ends_processes_that_come_back():
    from museum.lab.runner import WarmPool

    pool = WarmPool()
    runner = ChildRunner("tests.toy_labs:CounterLab", speed=0, process=pool.take(), pool=pool)
    runner.start()
    wait_for(runner, lambda u: True)
    pid = runner.pid
    pool.close()
    runner.close()
    deadline = time.monotonic() + 3
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(pid) and pool.idle == 0
