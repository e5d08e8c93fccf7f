"""The command line: what it prints, what it refuses, and the claims it checks from real runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from museum.catalog import load

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def museum(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "museum.cli", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **(env or {})}, timeout=120,
    )


def test_list_shows_rooms_and_exhibits():
    result = museum("list", "--lang", "en")
    assert result.returncode == 0
    for slug, year in (("mcculloch_pitts", "1943"), ("perceptron", "1958"), ("xor", "1969")):
        assert slug in result.stdout and year in result.stdout
    assert "Foundations" in result.stdout


def test_list_in_chinese_before_or_after_the_subcommand():
    assert "感知机" in museum("--lang", "zh", "list").stdout
    assert "感知机" in museum("list", "--lang", "zh").stdout


def test_language_defaults_from_the_locale():
    assert "感知机" in museum("list", env={"LC_ALL": "zh_CN.UTF-8"}).stdout
    assert "The Perceptron" in museum("list", env={"LC_ALL": "", "LANG": "en_GB.UTF-8"}).stdout


# Each exhibit's claim through the command line, as the issues state it (the labs' own tests
# check the claims independently; these check that `museum run` reports them).
@pytest.mark.parametrize(
    "slug, steps",
    [
        ("perceptron", 2000), ("xor", 2000), ("mcculloch_pitts", 5), ("backprop", 300),
        ("lecun_digits", 300), ("rbm_dbn", 150), ("autoencoders", 1600), ("gpu", 100),
        ("transformer", 300),
    ],
)
def test_run_json_reproduces_each_claim(slug, steps):
    result = museum("run", slug, "--steps", str(steps), "--seed", "0", "--json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) >= {"slug", "steps", "seed", "metrics", "claim", "claim_met", "claim_step"}
    assert report["slug"] == slug and report["seed"] == 0
    assert report["claim_met"] is True
    assert isinstance(report["claim_step"], int)
    if slug == "perceptron":
        assert report["claim_step"] == 120 and report["steps"] == 120  # stops once converged
        assert report["metrics"]["errors"] == 0
    if slug == "xor":
        assert report["steps"] == 2000 and report["metrics"]["errors"] > 0
    if slug == "mcculloch_pitts":
        assert report["steps"] == 0 and report["claim_step"] == 0  # checked once, not trained


def test_list_shows_the_open_rooms_in_order_and_the_walk_crosses_rooms():
    out = museum("list", "--lang", "en").stdout
    rooms = ["Foundations", "Backpropagation", "The Revival"]
    positions = [out.index(room) for room in rooms]
    assert positions == sorted(positions), out
    catalog = load()
    assert catalog.neighbour("xor", 1).slug == "backprop"  # → from xor walks into backprop
    assert catalog.neighbour("lecun_digits", 1).room == "revival"


def test_run_without_json_prints_a_summary():
    result = museum("run", "xor", "--steps", "50")
    assert result.returncode == 0
    assert "claim met: yes" in result.stdout


def test_run_can_report_an_unmet_claim():
    report = json.loads(museum("run", "perceptron", "--steps", "10", "--json").stdout)
    assert report["claim_met"] is False and report["claim_step"] is None


@pytest.mark.parametrize(
    "args, says",
    [
        (["--bogus"], "unrecognized arguments"),
        (["run", "perceptron", "--bogus"], "unrecognized arguments"),
        (["run", "nope"], "unknown exhibit 'nope'. Valid: " + ", ".join(load().slugs)),
        (["open", "nope"], "unknown exhibit"),
        (["run", "perceptron", "--steps", "-1"], "--steps must be between"),
        (["run", "perceptron", "--steps", "10000000000"], "--steps must be between"),
        (["run", "perceptron", "--steps", "many"], "--steps must be a whole number"),
        (["run", "perceptron", "--seed", "x"], "--seed must be a whole number"),
        (["run", "perceptron", "--seed", "-5"], "--seed must be between"),
        (["--lang", "fr"], "invalid choice: 'fr'"),
        (["list", "--lang", "猫"], "invalid choice"),
        (["dance"], "invalid choice: 'dance'"),
        (["run", "perceptron", "--device", "cuda:7"], "is not usable here"),
    ],
)
def test_bad_usage_exits_2_with_a_message_and_no_traceback(args, says):
    result = museum(*args)
    assert result.returncode == 2, result
    assert says in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_version():
    result = museum("--version")
    assert result.returncode == 0 and result.stdout.startswith("museum ")


def test_no_color_is_honoured():
    result = museum("list", env={"NO_COLOR": "1", "FORCE_COLOR": ""})
    assert "\x1b[" not in result.stdout
