"""The revival room's GPU exhibit: a live matrix-multiply benchmark.

This lab measures time, so unlike the others it is NOT deterministic: two real runs give
different numbers. The claim's logic is therefore tested with fake timings fed through
``measure`` (met when the largest size runs >= 3x the GFLOP/s of the smallest, not met
otherwise; the GPU ratio likewise), and the real benchmark is tested for what it can promise
everywhere: positive, finite rates from products that were really computed. No GPU was
available where this was written: the CUDA path is exercised only through fakes here.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
import torch

from exhibits.revival.gpu import blas
from exhibits.revival.gpu.lab import CUDA, GpuLab, flops, gflops
from museum.lab.api import UnknownCommand
from museum.lab.loop import LabLoop
from tests.test_labs_foundations import assert_plain

JUNK = ["猫", "", None, float("nan"), float("inf"), -1, 10**12, [0, 1], {"a": 1}]
SMALL = {"sizes": (8, 32, 128), "rounds": 2, "reps": 3}  # a quick real run


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """As in the lab's child process on a 2-core machine (cores - 1 threads); put back after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def seconds_for(n: int, rate_gflops: float) -> float:
    """The time one n x n product takes at a given rate: the fake clock's reading."""
    return 2.0 * n**3 / (rate_gflops * 1e9)


class FakeLab(GpuLab):
    """Timings from a rate curve instead of a clock; the rest of the lab is the real one."""

    def __init__(self, rates=None, gpu=False, gpu_rates=None, gpu_fails=False, **params):
        self.rates = rates or (lambda n: n / 8)  # GFLOP/s against n: 1 at n=8, 128 at 1024
        self.gpu, self.gpu_rates, self.gpu_fails = gpu, gpu_rates, gpu_fails
        self.calls: list[tuple[str, int]] = []
        super().__init__(**params)

    def cuda_available(self) -> bool:
        return self.gpu

    def cuda_device_name(self) -> str:
        return "Fake GPU"

    def measure(self, backend, n):
        self.calls.append((backend, n))
        if backend == CUDA:
            if self.gpu_fails:
                raise RuntimeError("CUDA error: an illegal memory access was encountered")
            rate = self.gpu_rates(n)
        else:
            rate = self.rates(n)
        return [seconds_for(n, rate)] * self.cfg.reps


def finish(lab) -> int:
    steps = 0
    while not lab.done():
        lab.step()
        steps += 1
        assert steps < 10_000
    return steps


# --- the formula --------------------------------------------------------------------------


def test_gflops_is_two_n_cubed_over_seconds():
    assert flops(2) == 16.0  # 2 x 2^3: n^3 multiply-adds
    assert gflops(1000, 2.0) == pytest.approx(1.0)  # 2e9 operations in 2 s
    for n, s in [(8, 1e-6), (1024, 0.02), (4096, 3e-3)]:
        assert gflops(n, s) == pytest.approx(2 * n**3 / s / 1e9)
    assert math.isfinite(gflops(8, 0.0))  # a zero reading does not make inf (= "diverged")


# --- the claim's logic, with injected timings --------------------------------------------


def test_claim_met_when_the_largest_runs_at_least_3x_the_smallest():
    lab = FakeLab()
    steps = finish(lab)
    assert steps == len(lab.plan) == 3 * 8 * 2  # rounds x sizes x (numpy, torch-cpu)
    assert lab.claim_met()
    for b in ("numpy", "torch-cpu"):  # independent: 128 GFLOP/s at n=1024 over 1 at n=8
        small = gflops(8, statistics.median(lab.samples[b][8]))
        large = gflops(1024, statistics.median(lab.samples[b][1024]))
        assert small == pytest.approx(1.0) and large == pytest.approx(128.0)
        assert lab.growth(b) == pytest.approx(large / small)


def test_claim_waits_for_every_measurement():
    lab = FakeLab()
    for _ in range(len(lab.plan) - 1):
        lab.step()
        assert not lab.claim_met() and not lab.done()
    lab.step()
    assert lab.claim_met() and lab.done()


@pytest.mark.parametrize("rates", [
    lambda n: 50.0,  # flat: no growth at all
    lambda n: 50.0 / n,  # falling with size
    lambda n: 2.99 if n == 1024 else 1.0,  # just short of 3x
])
def test_claim_not_met_when_throughput_does_not_grow_3x(rates):
    lab = FakeLab(rates=rates)
    finish(lab)
    assert lab.done() and not lab.claim_met()
    assert lab.snapshot()["met"] is False


def test_exactly_3x_is_enough():
    lab = FakeLab(rates=lambda n: 3.0 if n == 1024 else 1.0)
    finish(lab)
    assert lab.claim_met()


def test_one_backend_failing_the_growth_fails_the_claim():
    class Mixed(FakeLab):
        def measure(self, backend, n):
            if backend == "numpy":
                return [seconds_for(n, 40.0)] * self.cfg.reps  # flat
            return super().measure(backend, n)

    lab = Mixed()
    finish(lab)
    assert lab.growth("numpy") == pytest.approx(1.0) and lab.growth("torch-cpu") > 3
    assert not lab.claim_met()


def test_the_median_ignores_a_wild_sample():
    class Noisy(FakeLab):
        def measure(self, backend, n):
            samples = super().measure(backend, n)
            samples[0] *= 1000  # another program ran during one sample
            return samples

    lab = Noisy()
    finish(lab)
    assert lab.rate("numpy", 1024) == pytest.approx(128.0)
    assert lab.claim_met()


def test_sweeps_visit_every_size_and_backend_each_round():
    lab = FakeLab(rounds=2)
    finish(lab)
    per_round = [(b, n) for n in lab.sizes for b in ("numpy", "torch-cpu")]
    assert lab.calls == per_round * 2
    assert all(len(lab.samples[b][n]) == 2 * lab.cfg.reps for b, n in per_round)


# --- a GPU, faked --------------------------------------------------------------------------


def test_gpu_present_and_faster_meets_the_claim_and_reports_the_ratio():
    lab = FakeLab(gpu=True, gpu_rates=lambda n: n * 10.0)  # 10,240 GFLOP/s at n=1024
    assert lab.backends == ["numpy", "torch-cpu", CUDA]
    assert lab.sizes_of[CUDA][-2:] == [2048, 4096]  # the GPU goes further
    finish(lab)
    assert lab.claim_met()
    cpu_best = max(lab.rate("numpy", 1024), lab.rate("torch-cpu", 1024))
    assert lab.gpu_ratio() == pytest.approx(10_240.0 / cpu_best) == pytest.approx(80.0)
    snap = lab.snapshot()
    assert snap["cuda"] == {"present": True, "name": "Fake GPU", "error": None}
    assert snap["gpu_ratio"] == pytest.approx(80.0)


def test_gpu_slower_than_the_cpu_fails_the_claim():
    lab = FakeLab(gpu=True, gpu_rates=lambda n: n / 16)  # half the CPU's rate everywhere
    finish(lab)
    assert lab.gpu_ratio() == pytest.approx(0.5)
    assert lab.verdict()["grows"] and not lab.claim_met()


def test_a_failing_gpu_is_reported_and_the_cpu_part_still_runs():
    lab = FakeLab(gpu=True, gpu_fails=True)
    finish(lab)
    assert lab.done() and "illegal memory access" in lab.cuda_error
    assert all(lab.samples["numpy"][n] for n in lab.sizes_of["numpy"])
    assert not lab.claim_met()  # the claim's GPU part could not be checked
    assert_plain(lab.snapshot())


def test_asking_for_cuda_without_one_is_a_clear_error():
    with pytest.raises(ValueError, match="CUDA"):
        FakeLab(gpu=False, cuda=True)
    with pytest.raises(ValueError, match="CUDA"):
        FakeLab(gpu=False, device="cuda:0")


# --- the real benchmark --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    """One short real run, shared: it measures time, so its numbers vary from run to run."""
    lab = GpuLab(seed=0, **SMALL)
    metrics = []
    while not lab.done():
        metrics.append(lab.step())
    return lab, metrics


def test_a_real_run_gives_positive_finite_rates(real):
    lab, metrics = real
    assert len(metrics) == len(lab.plan)
    for m in metrics:
        assert all(type(v) is float and math.isfinite(v) and v > 0 for v in m.values()), m
    for b in ("numpy", "torch-cpu"):
        for n in SMALL["sizes"]:
            assert len(lab.samples[b][n]) == SMALL["rounds"] * SMALL["reps"]
            rate = lab.rate(b, n)
            assert rate is not None and math.isfinite(rate) and rate > 0


def test_the_timed_products_were_really_computed(real):
    lab, _ = real
    for n in SMALL["sizes"]:  # the output buffers hold A @ B, recomputed here in float64
        a, b, c = lab.matrices("numpy", n)
        exact = (torch.from_numpy(a).double() @ torch.from_numpy(b).double()).numpy()
        np.testing.assert_allclose(c, exact, rtol=1e-4, atol=1e-3 * math.sqrt(n))
        ta, tb, tc = lab.matrices("torch-cpu", n)
        np.testing.assert_allclose(tc.numpy(), (ta.double() @ tb.double()).numpy(),
                                   rtol=1e-4, atol=1e-3 * math.sqrt(n))


def test_numpy_blas_threads_are_put_back_after_measuring():
    before = blas.threads()
    lab = GpuLab(seed=0, sizes=(256,), rounds=1, reps=1)
    finish(lab)
    assert blas.threads() == before
    if before is not None:  # OpenBLAS found: it ran with torch's thread count
        assert lab.blas_threads == torch.get_num_threads()


def test_done_after_every_size_and_further_steps_change_nothing(real):
    lab, _ = real
    assert lab.done() and lab.pos == len(lab.plan)
    assert len(lab.plan) == SMALL["rounds"] * sum(len(lab.sizes_of[b]) for b in lab.backends)
    before = lab.snapshot()
    lab.step()
    after = lab.snapshot()
    assert after["gflops"] == before["gflops"] and after["counts"] == before["counts"]


def test_snapshot_is_plain_data_with_one_value_per_size(real):
    lab, _ = real
    fresh = GpuLab(seed=0, **SMALL)
    for snap in (fresh.snapshot(), lab.snapshot()):
        assert_plain(snap)
        for b in snap["backends"]:
            assert len(snap["gflops"][b]) == len(snap["sizes"]) == len(snap["counts"][b])
    assert fresh.snapshot()["gflops"]["numpy"] == [None, None, None]
    assert fresh.snapshot()["next"] == ["numpy", 8]
    assert lab.snapshot()["next"] is None and lab.snapshot()["round"] == SMALL["rounds"]


def test_same_seed_same_snapshot_with_fake_timings_and_seed_picks_only_the_matrices():
    a, b = FakeLab(seed=5), FakeLab(seed=5)
    for _ in range(20):
        a.step()
        b.step()
    assert a.snapshot() == b.snapshot()
    # the seed changes the numbers multiplied, not the speed: no other difference to see
    one, two = GpuLab(seed=1, **SMALL), GpuLab(seed=2, **SMALL)
    assert not np.array_equal(one.matrices("numpy", 8)[0], two.matrices("numpy", 8)[0])
    assert np.array_equal(one.matrices("numpy", 8)[0], GpuLab(seed=1).matrices("numpy", 8)[0])


def test_a_real_claim_run_through_the_loop():
    """The exhibit's own settings, as `museum run gpu` runs them (~3–8 s on 2 busy cores).

    Measured on a shared 2-core machine the growth was 20–55x against the 3x asked, so this
    does not hang on the machine's speed; it checks the claim end to end on real timings.
    """
    loop = LabLoop(GpuLab, seed=0)
    while loop.advance():
        pass
    assert loop.state == "done" and loop.claim_ok
    assert loop.claim_step == len(loop.lab.plan)
    lab = loop.lab
    for b in ("numpy", "torch-cpu"):  # recomputed from the raw samples, not the lab's ratio
        small = 2 * 8**3 / statistics.median(lab.samples[b][8])
        large = 2 * 1024**3 / statistics.median(lab.samples[b][1024])
        assert large / small >= 3


# --- the visitor's side -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["v", "size", "", "猫"])
@pytest.mark.parametrize("value", JUNK)
def test_commands_raise_only_unknown_command(name, value):
    lab = FakeLab()
    with pytest.raises(UnknownCommand):
        lab.command(name, value)


@pytest.mark.parametrize("params", [
    {"sizes": ()}, {"sizes": (0, 8)}, {"sizes": (8.5,)}, {"reps": 0}, {"rounds": 0},
])
def test_bad_settings_are_refused(params):
    with pytest.raises(ValueError):
        GpuLab(**params)
