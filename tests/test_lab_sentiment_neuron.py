"""The sentiment neuron: its claim recomputed without the lab's own code.

The lab says "one unit alone sorts held-out reviews (≥ 0.90) and clamping it moves the share
of positive samples by ≥ 50 points". Here the trained weights are run again by hand in NumPy
(float64 LSTM equations), on the lab's held-out reviews and on fresh ones; samples are drawn
again in NumPy with another random generator and judged by a lexicon count written here. The
claim must also fail where it should: before training, with learning switched off, and when
the clamp holds nothing (clamp level 0) or holds a unit that does not track sentiment.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from exhibits.attention.sentiment_neuron import grammar
from exhibits.attention.sentiment_neuron.lab import SentimentNeuronLab
from exhibits.attention.sentiment_neuron.probe import best_thresholds
from museum.lab.api import UnknownCommand
from tests.test_labs_foundations import assert_plain, same

JUNK = ["猫", "", None, float("nan"), float("inf"), -1, 10**12, [0, 1], {"a": 1}]
CLAIM_BUDGET = 550  # seed 0 meets the claim at step 500 (the probe runs every 50 steps)


@pytest.fixture(scope="module")
def trained():
    lab = SentimentNeuronLab(seed=0)
    for _ in range(CLAIM_BUDGET):
        lab.step()
        if lab.claim_met():
            break
    return lab


# --- an independent model, sampler and judge ----------------------------------------------


def weights(lab):
    sd = {k: v.detach().double().cpu().numpy() for k, v in lab.model.state_dict().items()}
    return sd


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_step(sd, ids, h, c, clamp=None):
    """The LSTM equations by hand: ids (B,), h and c (B, H)."""
    x = sd["embed.weight"][ids]
    gates = x @ sd["lstm.weight_ih_l0"].T + sd["lstm.bias_ih_l0"] + h @ sd["lstm.weight_hh_l0"].T \
        + sd["lstm.bias_hh_l0"]
    i, f, g, o = np.split(gates, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    if clamp is not None:
        c = c.copy()
        c[:, clamp[0]] = clamp[1]
    return sigmoid(o) * np.tanh(c), c


def final_cells(lab, reviews) -> np.ndarray:
    """Each review's cell state after its last word, one review at a time: (n, H)."""
    sd, index = weights(lab), lab.index
    hidden = sd["lstm.weight_hh_l0"].shape[1]
    out = []
    for review in reviews:
        h, c = np.zeros((1, hidden)), np.zeros((1, hidden))
        for word in [grammar.BOS, *review]:
            h, c = numpy_step(sd, np.array([index.get(word, index[grammar.UNK])]), h, c)
        out.append(c[0])
    return np.array(out)


def numpy_samples(lab, n, clamp, seed) -> list[list[str]]:
    sd, vocab = weights(lab), lab.vocab
    rng = np.random.default_rng(seed)
    hidden = sd["lstm.weight_hh_l0"].shape[1]
    h, c = np.zeros((n, hidden)), np.zeros((n, hidden))
    ids = np.full(n, vocab.index(grammar.BOS))
    texts = [[] for _ in range(n)]
    done = np.zeros(n, bool)
    for _ in range(45):
        h, c = numpy_step(sd, ids, h, c, clamp)
        logits = h @ sd["head.weight"].T + sd["head.bias"]
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        ids = np.array([rng.choice(len(vocab), p=row) for row in p])
        for k in range(n):
            if not done[k]:
                if vocab[ids[k]] == grammar.EOS:
                    done[k] = True
                else:
                    texts[k].append(vocab[ids[k]])
        if done.all():
            break
    return texts


GOOD = {"good", "great", "excellent", "amazing", "fantastic", "wonderful", "perfect", "solid",
        "nice", "superb", "love", "like", "enjoy", "well", "perfectly", "recommended", "buy"}
BAD = {"bad", "terrible", "awful", "poor", "horrible", "weak", "flimsy", "disappointing",
       "useless", "lousy", "hate", "dislike", "broke", "died", "stopped", "waste", "returning"}


def my_judge(words) -> int:
    """A second count of the lexicon, written from the grammar's description."""
    text = " ".join(words).replace("could not be better", "GOOD_PHRASE")
    text = text.replace("could not be worse", "BAD_PHRASE")
    words = text.split()
    score = 0
    for i, w in enumerate(words):
        if w in ("GOOD_PHRASE", "BAD_PHRASE"):
            score += 1 if w == "GOOD_PHRASE" else -1
            continue
        s = 1 if w in GOOD else -1 if w in BAD else 0
        if {"not", "never"} & set(words[max(0, i - 2):i]):
            s = -s
        score += s
    return score


def share_positive(texts) -> float:
    return sum(my_judge(t) > 0 for t in texts) / len(texts)


# --- the claim ------------------------------------------------------------------------------


def test_claim_met_within_budget(trained):
    assert trained.claim_met() and trained.claim_step <= CLAIM_BUDGET
    assert trained.claim_step % trained.cfg.probe_every == 0
    p, st = trained.probe, trained.steer
    assert p["acc_unit"] >= 0.90 and st["high"] - st["low"] >= 0.50 and st["unit"] == p["unit"]


def test_unit_accuracy_recomputed_by_hand(trained):
    p = trained.probe
    reviews, labels = trained.probe_sets["test"]
    x = final_cells(trained, reviews)[:, p["unit"]]
    acc = np.mean(((x - p["threshold"]) * p["sign"] > 0) == (labels > 0.5))
    assert acc == pytest.approx(p["acc_unit"], abs=1e-9)
    # fresh reviews from another stream, never seen by the lab: still well above chance
    rng = random.Random("fresh")
    fresh_labels = [rng.choice((1, -1)) for _ in range(200)]
    fresh = [grammar.review(rng, label, closing=False) for label in fresh_labels]
    x = final_cells(trained, fresh)[:, p["unit"]]
    acc = np.mean(((x - p["threshold"]) * p["sign"] > 0) == (np.array(fresh_labels) > 0))
    assert acc >= 0.85


def test_the_unit_is_chosen_on_training_reviews_only(trained):
    p = trained.probe
    reviews, labels = trained.probe_sets["train"]
    x = final_cells(trained, reviews)
    # brute force: every unit, every cut between sorted values, both directions
    best = []
    for u in range(x.shape[1]):
        values = np.sort(x[:, u])
        cuts = np.concatenate([[values[0] - 1], (values[1:] + values[:-1]) / 2, [values[-1] + 1]])
        accs = [np.mean((x[:, u] > t) == (labels > 0.5)) for t in cuts]
        best.append(max(max(accs), 1 - min(accs)))
    best = np.array(best)
    assert best[p["unit"]] == pytest.approx(best.max())
    assert p["acc_unit_train"] == pytest.approx(best.max())
    _, _, acc = best_thresholds(x, labels)
    np.testing.assert_allclose(acc, best)


def test_clamping_steers_samples_drawn_and_judged_independently(trained):
    p = trained.probe
    level = trained.cfg.clamp_level * p["sign"]
    high = share_positive(numpy_samples(trained, 150, (p["unit"], level), seed=1))
    low = share_positive(numpy_samples(trained, 150, (p["unit"], -level), seed=2))
    free = share_positive(numpy_samples(trained, 150, None, seed=3))
    assert high - low >= 0.35, (high, low)  # the lab measured >= 0.50 with its own seed
    assert low < free < high


def test_steering_check_fails_when_the_clamp_holds_nothing(trained):
    saved = trained.steer, trained.cfg.clamp_level, trained.probe["unit"]
    try:
        trained.cfg.clamp_level = 0.0  # "clamped" at 0 both ways: only sampling noise differs
        trained.measure_steering()
        assert abs(trained.steer["high"] - trained.steer["low"]) < 0.2
        # and a unit that does not track sentiment does not steer
        acc = trained.probe["acc_per_unit"]
        trained.probe["unit"] = int(np.argmin(np.abs(acc - 0.5)))
        trained.cfg.clamp_level = 3.0
        trained.measure_steering()
        assert abs(trained.steer["high"] - trained.steer["low"]) < 0.3
    finally:
        trained.steer, trained.cfg.clamp_level, trained.probe["unit"] = saved


def test_claim_not_met_before_training_or_without_learning():
    lab = SentimentNeuronLab(seed=0, lr=0.0, probe_every=10)
    assert not lab.claim_met()
    for _ in range(30):
        lab.step()
    assert lab.probe is not None and lab.probe["acc_unit"] < 0.90
    assert lab.steer is None and not lab.claim_met()


def test_the_probe_reviews_give_nothing_away():
    lab = SentimentNeuronLab(seed=3)
    closing = {w for words in (*grammar.CLOSING[1], *grammar.CLOSING[-1]) for w in words}
    for part in ("train", "test"):
        reviews, labels = lab.probe_sets[part]
        assert abs(labels.mean() - 0.5) < 0.01
        for review in reviews:
            assert not closing & set(review) - {"i", "it", "a", "love", "not", "do"}


def test_the_judge_agrees_with_the_labels_by_construction():
    rng = random.Random(7)
    for _ in range(2000):
        label = rng.choice((1, -1))
        words = grammar.review(rng, label, closing=rng.random() < 0.5)
        assert np.sign(grammar.judge(words)) == label
        assert grammar.judge(words) == my_judge(words)


# --- the lab's contract -----------------------------------------------------------------------


def test_same_seed_same_run_and_seeds_differ():
    small = dict(probe_every=10, probe_train=60, probe_test=60)
    a, b, c = (SentimentNeuronLab(seed=s, **small) for s in (1, 1, 2))
    for lab in (a, b, c):
        for _ in range(20):
            metrics = lab.step()
        assert all(type(v) is float and math.isfinite(v) for v in metrics.values())
    assert same(a.snapshot(), b.snapshot())
    assert not same(a.snapshot(), c.snapshot())


def test_snapshot_is_plain_data(trained):
    assert_plain(SentimentNeuronLab(seed=0).snapshot())
    snap = trained.snapshot()
    assert_plain(snap)
    assert len(snap["probe"]["acc_per_unit"]) == trained.cfg.hidden
    w = snap["words"]
    assert len(w["tokens"]) == len(w["known"]) == len(w["values"]) > 0
    assert len(snap["samples"]) == trained.cfg.visitor_samples


def test_typed_text_marks_unknown_words(trained):
    trained.command("text", "The BATTERY is not good, sadly! 猫 café")
    w = trained.snapshot()["words"]
    assert w["typed"] and w["tokens"] == ["the", "battery", "is", "not", "good", "sadly", ".",
                                          "猫", "café"]
    assert w["known"] == [True] * 5 + [False, True, False, False]
    assert len(w["values"]) == 9 and all(math.isfinite(v) for v in w["values"])
    trained.command("example", None)
    assert not trained.snapshot()["words"]["typed"]


@pytest.mark.parametrize("text", [
    "", " ", "...", "猫猫猫", "🙂👍", "e\u0301", "\u200b\u200f", "\ud800", "a" * 10_000,
    "good " * 5_000, "\x00\n\t", "ÄÖÜ ß",
])
def test_any_text_is_harmless(trained, text):
    trained.command("text", text)
    snap = trained.snapshot()
    assert_plain(snap)
    w = snap["words"]
    assert len(w["tokens"]) <= 60 and len(w["values"]) in (0, len(w["tokens"]))
    trained.command("example", None)


@pytest.mark.parametrize("name", ["text", "clamp", "resample", "example", "nope"])
@pytest.mark.parametrize("value", JUNK)
def test_junk_commands_raise_only_value_errors(trained, name, value):
    try:
        trained.command(name, value)
    except UnknownCommand:
        assert name == "nope"
    except ValueError:
        pass
    assert_plain(trained.snapshot())
    trained.command("clamp", "off")
    trained.command("example", None)


def test_clamp_cycles_and_samples_follow_it(trained):
    trained.command("clamp", "off")
    seen = []
    for _ in range(3):
        trained.command("clamp", None)
        snap = trained.snapshot()
        seen.append(snap["clamp"])
        value = snap["clamp_value"]
        assert (value is None) == (snap["clamp"] == "off")
    assert seen == ["pos", "neg", "off"]
    trained.command("clamp", "pos")
    before = trained.snapshot()["samples"]
    trained.command("resample", None)
    assert trained.snapshot()["samples"] != before
    trained.command("clamp", "off")


def test_done_after_max_steps():
    lab = SentimentNeuronLab(seed=0, max_steps=3, probe_every=1000)
    for _ in range(3):
        assert not lab.done()
        lab.step()
    assert lab.done()


# --- the view, drawn from the recording -----------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_view_keys_and_text_box_reach_the_lab(size):
    from tests.conftest import make_app

    app = make_app(start="sentiment_neuron")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        runner = app.runners["sentiment_neuron"]
        view = app.screen.query_one("#view")
        assert "◆" in str(view.query_one("#sn-upper").render())
        await pilot.press("k", "s", "e", "v")
        await pilot.press("tab", "g", "o", "o", "d", "space", "q", "space", "l", "enter")
        await pilot.press("escape")  # leaves the text box; the view's keys work again
        await pilot.press("k")
        assert runner.sent == [
            ("command", "clamp", None), ("command", "resample", None),
            ("command", "example", None), ("command", "text", "good q l"),
            ("command", "clamp", None),
        ]
        assert app.lang == "en"  # the l typed into the box did not switch language
        await pilot.press("escape")
        assert type(app.screen).__name__ == "RoomScreen"
