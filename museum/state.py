"""What the museum remembers between visits: exhibits visited and reproduced, language, theme.

One JSON file in platformdirs' user state dir (``MUSEUM_STATE_DIR`` overrides it). A file that
cannot be read is never deleted: it is renamed aside, the visitor is told, and the museum opens.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "museum-state/1"


def state_dir() -> Path:
    override = os.environ.get("MUSEUM_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir("museum", appauthor=False))


@dataclass
class Progress:
    visited: set = field(default_factory=set)
    solved: set = field(default_factory=set)
    lang: str | None = None
    theme: str | None = None
    path: Path | None = None
    problem: str | None = None  # why the saved file was set aside, to tell the visitor
    aside: Path | None = None

    @classmethod
    def load(cls, directory: Path | None = None) -> Progress:
        path = (directory or state_dir()) / "state.json"
        progress = cls(path=path)
        if not path.exists():
            return progress
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a museum state file")
            progress.visited = {s for s in data.get("visited", []) if isinstance(s, str)}
            progress.solved = {s for s in data.get("solved", []) if isinstance(s, str)}
            if data.get("lang") in ("en", "zh"):
                progress.lang = data["lang"]
            if isinstance(data.get("theme"), str):
                progress.theme = data["theme"]
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
            progress.problem = _reason(exc)
            progress.aside = _set_aside(path)
        return progress

    def save(self) -> bool:
        if self.path is None:
            return False
        data = {
            "format": FORMAT,
            "visited": sorted(self.visited),
            "solved": sorted(self.solved),
            "lang": self.lang,
            "theme": self.theme,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(temporary, self.path)
            return True
        except OSError:
            return False  # a read-only home must not stop the visit


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return "not valid JSON"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc) or type(exc).__name__


def _set_aside(path: Path) -> Path | None:
    aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
        return aside
    except OSError:
        return None
