"""The rules of the building: the UI never imports torch; labs and views keep to their side."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def test_drawing_the_lobby_and_an_exhibit_loads_no_torch():
    script = """
import asyncio, sys
from museum.app import MuseumApp
from museum.lab.runner import RunnerFactory

async def main():
    app = MuseumApp(lang="en", runner_factory=RunnerFactory(warm=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "LobbyScreen"
        await pilot.press("enter", "enter")       # the room, then McCulloch-Pitts (in-process)
        await pilot.pause(0.3)
        await pilot.press("right")                # the perceptron: its lab is in a child
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "ExhibitScreen"
    print("torch" in sys.modules, any(m.startswith("plotext") for m in sys.modules))

asyncio.run(main())
"""
    env = {**os.environ, "MUSEUM_STATE_DIR": str(ROOT / ".pytest_cache" / "guard-state")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"], result.stdout  # plots are drawn by hand


def test_importing_the_catalog_loads_neither_textual_nor_torch():
    script = (
        "import sys; from museum import catalog; catalog.load();"
        "print(any(m.startswith(('textual', 'torch')) for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.stdout.strip() == "False", result.stderr


def test_museum_alone_opens_the_lobby_without_building_the_argument_parser():
    """The door most visitors use: argparse and its subcommands cost ~6 ms of the first paint."""
    script = (
        "import sys; from museum import cli;"
        "cli.open_museum = lambda lang, start: print(lang, start) or 0;"
        "sys.argv = ['museum']; code = cli.main();"
        "print(code, 'argparse' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.stdout.split() == ["None", "None", "0", "False"], result.stderr


@pytest.mark.parametrize("given, drawn", [(None, "120"), ("30", "30")])
def test_the_museum_draws_up_to_120_frames_a_second_unless_the_visitor_says_otherwise(
    given, drawn
):
    script = """
import sys, types
from museum import cli

class App:  # stands in for the museum: what frame rate would Textual use?
    return_code = 0
    def __init__(self, **kwargs): pass
    def run(self):
        from textual import constants
        print(constants.MAX_FPS)
    def shutdown(self): pass
    def exit(self): pass

sys.modules["museum.app"] = types.SimpleNamespace(MuseumApp=App)
cli.open_museum(None, None)
"""
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given:
        env["TEXTUAL_FPS"] = given
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env=env)
    assert result.stdout.split() == [drawn], result.stderr


LABS = sorted(ROOT.glob("exhibits/*/*/lab.py"))
VIEWS = sorted(ROOT.glob("exhibits/*/*/view.py"))


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.parent.name)
def test_labs_import_only_torch_numpy_stdlib_and_the_lab_api(path):
    # A room may keep what two of its labs share (a corpus reader) beside its exhibit folders.
    own_room = f"exhibits.{path.parent.parent.name}."
    for name in imports(path):
        allowed = (
            top(name) in STDLIB | {"torch", "numpy", "__future__"}
            or name in ("museum.lab.api", "museum.lab.assets")
            or name.startswith(own_room)
        )
        assert allowed, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.parent.name)
def test_views_never_import_torch(path):
    for name in imports(path):
        assert top(name) != "torch", f"{path.relative_to(ROOT)} imports {name}"
        if top(name) == "museum":
            assert name.startswith(("museum.widgets", "museum.i18n", "museum.lab.api")), name


def test_the_building_reaches_exhibits_only_through_the_catalog():
    for path in sorted((ROOT / "museum").rglob("*.py")):
        for name in imports(path):
            assert top(name) != "exhibits" or path.name == "catalog.py", (path, name)
            assert top(name) != "torch" or path.name in ("child.py", "cli.py"), (path, name)
