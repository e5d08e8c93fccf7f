"""Line breaking that knows Chinese: a line may end between any two Han characters.

Rich (and Textual's Content, which uses Rich's line divider) breaks lines only at spaces. A
Chinese paragraph has none, except around Latin words and numbers, so a narrative wrapped
early at "2006 年" and then folded "Smolensky" in the middle. Here each Han character is its
own "word", closing punctuation stays with the character before it and opening punctuation
with the one after, and Latin words stay whole. This replaces the pattern that
``rich._wrap.words`` reads; rich is pinned through textual (>=8.2,<9), and a test checks it.
"""

from __future__ import annotations

import re

import rich._wrap

HAN = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CLOSE = "，。、；：？！）」』】》〉”’…·\uff09\uff0c\uff0e\uff1a\uff1b\uff1f\uff01"
OPEN = "（「『【《〈“‘\uff08"
WORD = re.compile(
    rf"\s*(?:[{OPEN}]*[{HAN}][{CLOSE}]*"  # one Han character with its punctuation
    rf"|[{OPEN}]*[^\s{HAN}{OPEN}{CLOSE}]+[{CLOSE}]*"  # a Latin word or a number
    rf"|[{OPEN}{CLOSE}]+)\s*"  # punctuation on its own
)


def install() -> None:
    rich._wrap.re_word = WORD
