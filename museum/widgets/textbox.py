"""A one-line text box for exhibits that take the visitor's words (a sentence, a prompt).

It owns printable keys and arrows while focused (``CAPTURES_KEYS``), so typing ``q`` or ``l``
writes a letter instead of quitting or switching language; the first ``escape`` leaves the box,
the second leaves the exhibit. Anything typed is accepted as text (any unicode, up to
``max_length`` characters); making sense of it is the lab's job, which must never fail on it.
On enter the view receives ``Input.Submitted`` and usually sends it on with ``self.command``.
"""

from __future__ import annotations

from textual.widgets import Input


class TextBox(Input):
    CAPTURES_KEYS = True
    DEFAULT_CSS = """
    TextBox { height: 3; border: tall $primary 40%; }
    TextBox:focus { border: tall $accent; }
    """

    def __init__(self, value: str = "", placeholder: str = "", max_length: int = 200, **kwargs):
        super().__init__(value=value, placeholder=placeholder, max_length=max_length, **kwargs)
