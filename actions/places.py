"""Notes for questions about places outside the agency's own area.

The knowledge base describes the agency's own rules and offices. A citizen
who names another city still gets that answer, because national rules and
procedures are mostly shared. A note comes first: local rules differ, and it
names where to ask.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

PLACES_FILE = Path(__file__).resolve().parent.parent / "seeds" / "places.yml"


@dataclass(frozen=True)
class Places:
    """Place names from seeds/places.yml."""

    home: tuple[str, ...]
    province: str
    province_cities: tuple[str, ...]
    elsewhere: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def load_places(path: Path = PLACES_FILE) -> Places:
    """Read the place names once per process."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return Places(
        home=tuple(raw["home"]),
        province=str(raw["province"]),
        province_cities=tuple(raw["province_cities"]),
        elsewhere=tuple(raw["elsewhere"]),
    )


def _first_named(text: str, names: tuple[str, ...]) -> str | None:
    found = [(text.find(name), name) for name in names if name in text]
    return min(found)[1] if found else None


def place_note(text: str, places: Places | None = None) -> str | None:
    """Return a note when ``text`` names a place outside the agency's area."""
    places = places or load_places()
    home = places.home[0]
    if _first_named(text, places.home):
        # Moving insurance between the agency's area and another place names
        # both, and the agency's own answer is the right one.
        return None
    elsewhere = _first_named(text, places.elsewhere)
    if elsewhere:
        return (
            f"您问到的是{elsewhere}的情况。我是{home}社保和医保的咨询助手，"
            f"下面按{home}的办理方式回答，{elsewhere}的具体政策和标准请以当地"
            "社保或医保经办机构为准，也可以拨打12333（医保问题可拨12393）咨询。"
        )
    in_province = _first_named(text, places.province_cities)
    if in_province:
        return (
            f"您问到的是{in_province}的情况。{places.province}省内政策大体一致，"
            f"下面按{home}的办理方式回答，{in_province}的具体标准和办理地点"
            "请以当地经办机构为准。"
        )
    return None
