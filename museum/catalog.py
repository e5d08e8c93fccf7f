"""Rooms and exhibits: the only thing the building knows about the collection.

Every exhibit folder's ``__init__.py`` holds one ``EXHIBIT = Exhibit(...)``. Importing the
catalog reads those metadata modules and nothing else: no Textual, no torch.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

Text = dict  # {"en": str, "zh": str}


@dataclass(frozen=True)
class Room:
    slug: str
    start: int
    end: int
    title: Text
    intro: Text

    @property
    def years(self) -> str:
        return f"{self.start}–{self.end}"


@dataclass(frozen=True)
class Exhibit:
    slug: str
    room: str
    order: int
    year: int
    title: Text
    teaser: Text
    claim: Text
    lab: str  # "module:Class", imported only where the lab runs
    view: str  # "module:Class", imported only by the UI
    needs_torch: bool = True  # False: cheap enough to run in the UI process
    default_speed: float = 10.0  # steps per second when opened; 0 means flat out
    params: dict = field(default_factory=dict)  # extra keyword arguments for the lab

    @property
    def folder(self) -> Path:
        module = importlib.import_module(f"exhibits.{self.room}.{self.slug}")
        return Path(module.__file__).parent

    def narrative(self, lang: str) -> str:
        return (self.folder / f"{lang}.md").read_text(encoding="utf-8")

    def lab_source(self) -> str:
        return (self.folder / "lab.py").read_text(encoding="utf-8")


ROOMS: tuple[Room, ...] = (
    Room(
        "foundations", 1943, 1969,
        {"en": "Foundations", "zh": "奠基"},
        {
            "en": "Threshold neurons, the first learning machine, and the limits that "
            "ended the first wave.",
            "zh": "阈值神经元、第一台学习机器，以及让第一次浪潮退去的局限。",
        },
    ),
    Room(
        "backprop", 1970, 1989,
        {"en": "Backpropagation", "zh": "反向传播"},
        {
            "en": "Gradients flow backwards; hidden units learn their own features.",
            "zh": "梯度向后流动，隐藏单元学会自己的特征。",
        },
    ),
    Room(
        "revival", 2006, 2011,
        {"en": "The Revival", "zh": "复兴"},
        {
            "en": "Deep belief nets, layer-wise pretraining, and the first GPUs.",
            "zh": "深度信念网络、逐层预训练与最早的 GPU。",
        },
    ),
    Room(
        "imagenet", 2012, 2016,
        {"en": "ImageNet", "zh": "ImageNet 时代"},
        {
            "en": "A dataset, a challenge, and the deep convnets that won it.",
            "zh": "一个数据集、一场挑战赛，以及赢下它的深度卷积网络。",
        },
    ),
    Room(
        "representations", 2013, 2016,
        {"en": "Representations", "zh": "表示学习"},
        {
            "en": "Word vectors, adversarial games, and sequence to sequence.",
            "zh": "词向量、对抗博弈与序列到序列。",
        },
    ),
    Room(
        "attention", 2017, 2019,
        {"en": "Attention", "zh": "注意力"},
        {
            "en": "The sentiment neuron, Transformer heads, BERT and GPT.",
            "zh": "情感神经元、Transformer 的注意力头、BERT 与 GPT。",
        },
    ),
    Room(
        "scale", 2020, 2025,
        {"en": "Scale", "zh": "规模"},
        {
            "en": "In-context learning, scaling laws, multimodal models and RLHF.",
            "zh": "上下文学习、缩放定律、多模态模型与基于人类反馈的强化学习。",
        },
    ),
)


class Catalog:
    """Rooms in order of their start year, each with its exhibits in ``order``."""

    def __init__(self, exhibits: list[Exhibit]):
        rooms_by_slug = {room.slug: room for room in ROOMS}
        unknown = [e.slug for e in exhibits if e.room not in rooms_by_slug]
        if unknown:
            raise ValueError(f"exhibits in no known room: {unknown}")
        self.rooms: list[Room] = sorted(
            (r for r in ROOMS if any(e.room == r.slug for e in exhibits)), key=lambda r: r.start
        )
        room_rank = {room.slug: i for i, room in enumerate(self.rooms)}
        self.exhibits: list[Exhibit] = sorted(
            exhibits, key=lambda e: (room_rank[e.room], e.order, e.slug)
        )
        self._by_slug = {e.slug: e for e in self.exhibits}
        if len(self._by_slug) != len(self.exhibits):
            raise ValueError("two exhibits share a slug")

    def room(self, slug: str) -> Room:
        return next(r for r in self.rooms if r.slug == slug)

    def in_room(self, room_slug: str) -> list[Exhibit]:
        return [e for e in self.exhibits if e.room == room_slug]

    def get(self, slug: str) -> Exhibit | None:
        return self._by_slug.get(slug)

    def neighbour(self, slug: str, delta: int) -> Exhibit | None:
        """The exhibit ``delta`` places away along the whole walk, across rooms."""
        index = self.exhibits.index(self._by_slug[slug]) + delta
        return self.exhibits[index] if 0 <= index < len(self.exhibits) else None

    @property
    def slugs(self) -> list[str]:
        return [e.slug for e in self.exhibits]


def discover() -> list[Exhibit]:
    import exhibits

    found = []
    for room in pkgutil.iter_modules(exhibits.__path__):
        room_pkg = importlib.import_module(f"exhibits.{room.name}")
        for info in pkgutil.iter_modules(room_pkg.__path__):
            if not info.ispkg:  # a room's shared module (a corpus reader), not an exhibit
                continue
            module = importlib.import_module(f"exhibits.{room.name}.{info.name}")
            exhibit = getattr(module, "EXHIBIT", None)
            if isinstance(exhibit, Exhibit):
                found.append(exhibit)
    return found


@lru_cache(maxsize=1)
def load() -> Catalog:
    return Catalog(discover())
