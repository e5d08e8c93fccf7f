from museum.screens.exhibit import ExhibitScreen
from museum.screens.help import HelpScreen
from museum.screens.lobby import LobbyScreen
from museum.screens.room import RoomScreen
from museum.screens.source import SourceScreen

__all__ = ["ExhibitScreen", "HelpScreen", "LobbyScreen", "RoomScreen", "SourceScreen"]
