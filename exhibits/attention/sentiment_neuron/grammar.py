"""Generated product reviews whose sentiment is known by construction, and a judge for samples.

A review is an optional neutral opener, two to four sentences about the product's aspects, and
(in the language model's data only) a closing line that gives the verdict away ("do not buy .").
Every sentence is made with a polarity: "the screen is very good ." (+), "the lid is not bad ."
(+, negation of a negative word), "i hate the grip ." (-). A review has one overall sentiment;
reviews of three or more sentences may carry one contrasting sentence, introduced with "but", so
the majority of its sentences always agrees with its label.

The judge for generated samples is independent of any model: it reads the grammar's own
sentiment lexicon and flips a word preceded by "not" (within two words). A sample whose score is
above zero reads positive; zero (or a sample with no sentiment word at all) does not.
Standard library only.
"""

from __future__ import annotations

import random
import re

PRODUCTS = (
    "phone", "laptop", "blender", "kettle", "camera", "speaker", "headphones", "vacuum",
    "toaster", "mouse", "keyboard", "lamp", "watch", "charger", "tablet", "printer",
)
ASPECTS = (
    "battery", "screen", "sound", "price", "design", "quality", "size", "weight", "handle",
    "lid", "motor", "cable", "button", "display", "finish", "grip", "speed", "noise",
)
PEOPLE = ("wife", "husband", "son", "daughter", "mother", "father", "office", "kitchen")
WHEN = (("last", "week"), ("last", "month"), ("a", "month", "ago"), ("on", "sale"))
INTENSIFIERS = ("very", "really", "extremely", "quite", "so", "incredibly", "pretty", "truly")

# The sentiment lexicon: the grammar builds sentences from these, and the judge reads them.
POSITIVE = (
    "good", "great", "excellent", "amazing", "fantastic", "wonderful", "perfect", "solid",
    "nice", "superb", "love", "like", "enjoy", "well", "perfectly", "recommended", "buy",
)
NEGATIVE = (
    "bad", "terrible", "awful", "poor", "horrible", "weak", "flimsy", "disappointing",
    "useless", "lousy", "hate", "dislike", "broke", "died", "stopped", "waste", "returning",
)
ADJ = {+1: POSITIVE[:10], -1: NEGATIVE[:10]}
VERB = {+1: ("love", "like", "enjoy"), -1: ("hate", "dislike")}
NEGATORS = ("not", "never")
CLOSING = {
    +1: (("highly", "recommended"), ("would", "buy", "again"), ("i", "love", "it")),
    -1: (("do", "not", "buy"), ("what", "a", "waste"), ("returning", "it")),
}

BOS, EOS, UNK = "<bos>", "<eos>", "<unk>"


def vocabulary() -> tuple[str, ...]:
    """Every word the grammar can write, in a fixed order: special tokens first."""
    words = [BOS, EOS, UNK, ".", "but"]
    pieces = [
        PRODUCTS, ASPECTS, PEOPLE, *WHEN, INTENSIFIERS, POSITIVE, NEGATIVE, NEGATORS,
        *CLOSING[+1], *CLOSING[-1],
        ("i", "bought", "this", "got", "for", "my", "is", "my", "second", "the", "it", "works",
         "after", "a", "two", "days", "week", "month", "working", "again", "would", "do", "what",
         "highly", "be", "could", "better", "worse"),
    ]
    for piece in pieces:
        for word in piece:
            if word not in words:
                words.append(word)
    return tuple(words)


def _opener(rng: random.Random) -> list[str]:
    product = rng.choice(PRODUCTS)
    kind = rng.randrange(4)
    if kind == 0:
        return ["i", "bought", "this", product, *rng.choice(WHEN), "."]
    if kind == 1:
        return ["got", "this", product, "for", "my", rng.choice(PEOPLE), "."]
    if kind == 2:
        return ["this", "is", "my", "second", product, "."]
    return []


def _sentence(rng: random.Random, polarity: int) -> list[str]:
    """One sentence whose sentiment is ``polarity`` (+1 or -1) by construction."""
    aspect = rng.choice(ASPECTS)
    kind = rng.randrange(6)
    if kind <= 1:  # the screen is (very) good .
        extra = [rng.choice(INTENSIFIERS)] if rng.random() < 0.5 else []
        return ["the", aspect, "is", *extra, rng.choice(ADJ[polarity]), "."]
    if kind == 2:  # negation of the opposite word: "the lid is not bad ." is positive
        return ["the", aspect, "is", rng.choice(NEGATORS), rng.choice(ADJ[-polarity]), "."]
    if kind == 3:  # i love the grip .
        return ["i", rng.choice(VERB[polarity]), "the", aspect, "."]
    if kind == 4:  # it works well . / it broke after two days .
        if polarity > 0:
            return ["it", "works", rng.choice(("well", "perfectly")), "."]
        verb = rng.choice((("broke",), ("died",), ("stopped", "working")))
        when = rng.choice((("a", "week"), ("two", "days"), ("a", "month")))
        return ["it", *verb, "after", *when, "."]
    # the price could not be better . / the noise could not be worse .
    return ["the", aspect, "could", "not", "be", "better" if polarity > 0 else "worse", "."]


def review(rng: random.Random, label: int, closing: bool = True) -> list[str]:
    """A review with overall sentiment ``label`` (+1/-1), as a list of words (no bos/eos)."""
    words = _opener(rng)
    n = rng.randint(2, 4)
    contrast = rng.randrange(1, n) if n >= 3 and rng.random() < 0.4 else -1
    for i in range(n):
        if i == contrast:
            words += ["but", *_sentence(rng, -label)]
        else:
            words += _sentence(rng, label)
    if closing:
        words += [*rng.choice(CLOSING[label]), "."]
    return words


# "could not be better" is positive though "better" is not in the lexicon: the judge knows the
# grammar's fixed phrases too, so it counts what the grammar means by construction.
_PHRASES = {("not", "be", "better"): +1, ("not", "be", "worse"): -1}


def judge(words: list[str]) -> int:
    """Sentiment score of any word list from the grammar's lexicon and negation rule.

    Each lexicon word counts +1 or -1; "not"/"never" one or two words before it flips it.
    "could not be better" counts +1 and "could not be worse" -1, as the grammar means them.
    """
    score = 0
    for i, word in enumerate(words):
        phrase = tuple(words[max(0, i - 2): i + 1])
        if phrase in _PHRASES:
            score += _PHRASES[phrase]
            continue
        sign = +1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if sign and any(w in NEGATORS for w in words[max(0, i - 2):i]):
            sign = -sign
        score += sign
    return score


_TOKEN = re.compile(r"[^\W\d_]+|[.!?]")


def tokenize(text: str, limit: int = 60) -> list[str]:
    """A visitor's text -> lowercase words and full stops (at most ``limit`` tokens)."""
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    tokens = _TOKEN.findall(text[:2000].lower())
    return ["." if t in "!?" else t for t in tokens][:limit]
