"""Shared fixtures: no network, a private state dir per test, and the app factory."""

from __future__ import annotations

import os
import socket

# pytest-xdist runs two workers on two cores: one torch thread each, or they fight (labs
# trained up to 40× slower). Subprocesses set their own count, as the lab child does.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The museum never goes online: internet sockets fail in every test.

    Only AF_INET/AF_INET6 are blocked; asyncio and subprocess pipes use socketpairs and pipes.
    """
    real_socket = socket.socket

    class GuardedSocket(real_socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (socket.AF_INET, socket.AF_INET6):
                raise OSError("network access is not allowed in the museum's tests")
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    yield


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    path = tmp_path / "state"
    monkeypatch.setenv("MUSEUM_STATE_DIR", str(path))
    return path


def make_app(lang: str = "en", start: str | None = None, **kwargs):
    """The app as the tests see it: recorded labs, so nothing trains and screens are stable."""
    from museum.app import MuseumApp
    from tests.recorded import RecordedFactory

    kwargs.setdefault("runner_factory", RecordedFactory())
    return MuseumApp(lang=lang, start=start, **kwargs)


@pytest.fixture
def app_factory():
    return make_app
