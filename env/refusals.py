"""Why an action is refused: a typed code with its human text beside it.

The codes and their texts live in `env/data/refusals.json`, read here and by the JS side
(`env/js/refusals.js`), so the sim, the Judger and the server's action bodies refuse in the same
words. Code that reacts to a refusal compares `Refusal.code` (and its `params`), never the text.

    >>> r = refuse(Code.MISSING_ITEMS, what="2 oak_planks")
    >>> r.code is Code.MISSING_ITEMS, str(r)
    (True, 'missing ingredients: 2 oak_planks')
    >>> str(refuse(Code.CELL_TAKEN, pos=(1, -60, 2), block="stone"))
    '(1, -60, 2) is taken by stone'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "refusals.json"
_FIELD = re.compile(r"\{(\w+)\}")


class Code(StrEnum):
    """Every refusal code (the keys of env/data/refusals.json; a test keeps them equal)."""

    UNKNOWN_AGENT = "unknown_agent"
    BAD_ACTION = "bad_action"
    CANNOT_RUN = "cannot_run"
    BACKEND_ERROR = "backend_error"
    TIMED_OUT = "timed_out"
    OUT_OF_REACH = "out_of_reach"
    MISSING_ITEMS = "missing_items"
    NO_CONTAINER = "no_container"
    CONTAINER_SHORT = "container_short"
    CONTAINER_FULL = "container_full"
    INVENTORY_FULL = "inventory_full"
    LOCKED = "locked"
    NO_RECIPE = "no_recipe"
    NEEDS_TABLE = "needs_table"
    NO_TABLE = "no_table"
    NOT_SMELTABLE = "not_smeltable"
    NOT_FUEL = "not_fuel"
    NO_FURNACE = "no_furnace"
    WRONG_STATION = "wrong_station"
    STATION_BUSY = "station_busy"
    OVER_ONE_STACK = "over_one_stack"
    NOTHING_TO_DIG = "nothing_to_dig"
    UNBREAKABLE = "unbreakable"
    NOT_RIPE = "not_ripe"
    NEEDS_TOOL = "needs_tool"
    NOT_A_BLOCK = "not_a_block"
    NOT_PLACEABLE = "not_placeable"
    CELL_TAKEN = "cell_taken"
    NO_SUPPORT = "no_support"
    NEEDS_SOIL = "needs_soil"
    NEEDS_SUPPORT = "needs_support"
    CELL_OCCUPIED = "cell_occupied"
    NO_ROOM_ABOVE = "no_room_above"
    NO_ROOM_FOR_HEAD = "no_room_for_head"
    NO_ENTITY = "no_entity"
    NOT_MILKABLE = "not_milkable"
    POWERED_ONLY = "powered_only"
    NOT_ACTIVATABLE = "not_activatable"
    NO_PLATE = "no_plate"
    NOT_IN_RENDEZVOUS = "not_in_rendezvous"
    UNKNOWN_RENDEZVOUS_AGENTS = "unknown_rendezvous_agents"
    RENDEZVOUS_MISSED = "rendezvous_missed"
    NO_PATH = "no_path"
    NOT_STANDABLE = "not_standable"
    NOT_LOADED = "not_loaded"
    UNKNOWN_ITEM = "unknown_item"
    ACTION_FAILED = "action_failed"


@cache
def templates() -> dict[str, str]:
    """code -> text template, from env/data/refusals.json (keys starting with _ are notes)."""
    data = json.loads(DATA.read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _show(value: object) -> str:
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


def render(code: str, params: dict[str, object]) -> str:
    """The human text of a refusal: its template with every {name} filled from `params`.
    A field the params lack is left as written (so a text never fails to render)."""
    template = templates().get(str(code), str(code))
    return _FIELD.sub(lambda m: _show(params[m.group(1)]) if m.group(1) in params
                      else m.group(0), template)


@dataclass(frozen=True)
class Refusal:
    """A refused action: its `code` and the values its text names (`params`, plain data)."""

    code: Code
    params: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render(self.code, self.params)

    def __str__(self) -> str:
        return self.text


def refuse(code: Code, **params: object) -> Refusal:
    """A refusal with `code`; `params` fill its text (see env/data/refusals.json)."""
    return Refusal(Code(code), params)


def as_code(value: str | None) -> Code | None:
    """A code from its string (as it comes over the bus or from JS); None stays None, an
    unknown string is ACTION_FAILED (a JS body that refused without a code)."""
    if value is None:
        return None
    try:
        return Code(value)
    except ValueError:
        return Code.ACTION_FAILED
