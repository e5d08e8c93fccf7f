"""Text a lab rewrites with every update, without laying the screen out again each time.

``Static.update`` asks for a layout of the whole screen, and Textual then draws all of it
again: measured in the key benchmark, each xor update (ten a second) cost a layout (~3 ms)
and a full redraw (~10 ms, 3.4 KB written), and a key pressed just before had its answer
held back for that frame: the in-screen keys of 30-60 ms. Most updates change the words and
numbers of a panel, not how many lines it takes, and then only the panel needs repainting.
"""

from __future__ import annotations

from textual.widgets import Static


class LiveText(Static):
    """A Static whose ``update`` lays the screen out only if its own height may change.

    Its width comes from its container; its height, when ``auto``, is measured for the new
    text as Textual's layout would measure it (the same call), at its current width. An
    explicit ``layout=`` is obeyed as in Static.
    """

    _measured: tuple[int, int] | None = None  # (width, content height) last laid out for

    def update(self, content="", *, layout: bool | None = None) -> None:
        if layout is not None:
            self._measured = None
            super().update(content, layout=layout)
            return
        super().update(content, layout=False)
        width, height = self.styles.width, self.styles.height
        if width is not None and width.is_auto:  # its width follows its text: lay out
            self.refresh(layout=True)
        elif height is None or height.is_auto:
            size = (self.size.width, self.get_content_height(
                self.container_size, self.app.size, self.size.width
            ))
            if size != self._measured:
                self._measured = size
                self.refresh(layout=True)
