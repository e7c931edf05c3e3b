"""VillagerBench's escape-room state tree: which atoms, in which layout, for which players.

A re-implementation of `StateTree.__init__` / `StateTree.generate` / `candidate_agent_group`
from VillagerAgent's `env/minecraft_define.py` (github.com/cnsdqd-dyb/VillagerAgent), with the
same random draws in the same order from `random.Random(seed)` (theirs seeds the module's
generator with the same seed), so an instance (players, rooms, seed) yields the same atoms,
layouts, repeat counts, room centres and complexity as theirs.

What the generator does, per call of `generate` (`rooms` = their `max_task_num` calls per
pass; a pass is repeated, with the atoms listed once more and reshuffled, until every player
has a room):
- the candidates are the players furthest along (their abstract position's z is highest);
- an atom is a candidate if its layout fits (`split`: the candidates stand at two or more x;
  `merge`: two or more candidates share a position) and, when it takes items (`out`), some
  player holds them; the atom chosen is candidate number `(seed + tasks so far) % count`;
- same-room: one group of players at one position (a random choice) takes the atom with one
  copy of its random blocks per player that holds its `out` items, when at least
  `min_player` do; complexity += score x copies x conditions / wait_interval;
- split: the group does it together; complexity += score;
- merge: one task per player of the group, one copy each; complexity += score x group size,
  per player;
- cross-room: two groups at two positions each take an atom whose effects land in the other's
  room; complexity += score x each group's size.
Players that take part move one stage on (z - 3). Centres: (x * 9 + bias_x, bias_y,
z * 3 + bias_z) with the judge's bias (130, -60, 140).

The tree is built backwards: the players start in their last room (the highest stage) and
escape towards stage 0; an atom's `in` items are what a player must bring into its room, its
`out` items what the room hands out, and what is still owed when the tree is done is given
to the players at the start.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

Layout = Literal["same_room", "split", "merge", "cross"]
BIAS = (130, -60, 140)
_DEFAULTS: dict[str, Any] = {
    "in": {}, "out": {}, "activate_duration": 300, "split": False, "merge": False,
    "same_room": True, "room_height": 3, "room_width": 3, "wall_width": 1, "score": 1,
    "wait_interval": 4, "type": "and", "task_description": "", "min_player": 1}


@dataclass(frozen=True)
class TreeTask:
    """One room task of the tree: the atom (its index in the file), its layout, its centre,
    how many copies of its random blocks (`condition_repeat_num`), the players in it, and
    the stage (how far along the players are: 0 for the first room)."""

    atom: int
    layout: Layout
    center: tuple[int, int, int]
    repeat: int
    players: tuple[int, ...]
    stage: int
    effect_center: tuple[int, int, int] | None = None
    """Cross-room: the centre of the room its effects land in."""


@dataclass
class _Player:
    idx: int
    inventory: dict[str, int] = field(default_factory=dict)
    position: list[int] = field(default_factory=lambda: [0, 0, 0])
    room: list[int] | None = None


@dataclass
class _Atom:
    index: int
    raw: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.raw.get(key, _DEFAULTS.get(key))

    @property
    def layout(self) -> Layout:
        if self.get("split"):
            return "split"
        if self.get("merge"):
            return "merge"
        return "same_room" if self.get("same_room") else "cross"


@dataclass
class StateTree:
    """The generated instance: its tasks in the order theirs lists them, the complexity the
    judge's budget reads (`30 * complexity + 60`), and each player's last room."""

    tasks: list[TreeTask]
    complexity: float
    player_rooms: list[tuple[int, int, int]]
    inventories: list[dict[str, int]] = field(default_factory=list)
    """What each player still needs when the tree is done: the judge gives every player
    near them `count + 2` of each at the start (`StateAgent.load`)."""


def _holds(p: _Player, items: dict[str, int]) -> bool:
    return all(k in p.inventory and p.inventory[k] >= v for k, v in items.items())


def _center(pos: list[int], atom: _Atom) -> tuple[int, int, int]:
    return (pos[0] * atom.get("room_width") * 3 + BIAS[0],
            pos[1] * atom.get("room_height") + BIAS[1],
            pos[2] * atom.get("room_width") + BIAS[2])


def _by_position(players: list[_Player]) -> list[list[_Player]]:
    groups: dict[str, list[_Player]] = {}
    for p in players:
        groups.setdefault(str(p.position), []).append(p)
    return list(groups.values())


class _Generator:
    def __init__(self, atoms: list[dict[str, Any]], players: int, rooms: int, seed: int):
        self.raw = atoms
        self.players = [_Player(i) for i in range(players)]
        self.rooms = rooms
        self.seed = seed
        self.rng = random.Random(seed)
        self.atoms: list[_Atom] = []
        self.tasks: list[TreeTask] = []
        self.complexity = 0.0

    def run(self, max_passes: int = 50) -> StateTree:
        for _ in range(max_passes):
            self.atoms += [_Atom(i, a) for i, a in enumerate(self.raw)]
            self.rng.shuffle(self.atoms)
            for _ in range(self.rooms):
                self.generate()
            if all(p.room is not None for p in self.players):
                players = sorted(self.players, key=lambda p: p.idx)
                rooms = [tuple(p.room) for p in players]  # type: ignore[arg-type]
                needs = [{k: v for k, v in p.inventory.items() if v > 0} for p in players]
                return StateTree(self.tasks, self.complexity, rooms, needs)  # type: ignore[arg-type]
        raise ValueError(f"no escape instance for {len(self.players)} players in "
                         f"{max_passes} passes")

    def candidates(self) -> list[_Player]:
        self.players.sort(key=lambda p: p.position[2], reverse=True)
        top = self.players[0].position[2]
        return [p for p in self.players if p.position[2] == top]

    def _stage(self, player: _Player) -> int:
        return -player.position[2] // 3

    def generate(self) -> None:  # noqa: C901 - one step of theirs, kept whole to stay in step
        cands = self.candidates()
        groups: list[list[_Player]] = []
        task_groups: dict[int, list[list[_Player]]] = {}
        listed: list[_Atom] = []
        for atom in self.atoms:
            if atom.get("split"):
                self.players.sort(key=lambda p: p.position[0])
                groups = [[cands[0]]]
                for p in cands[1:]:
                    groups[-1].append(p)  # theirs starts a new group only between two
                    # integer x a player stands strictly between, which never happens
                groups = [g for g in groups if len({p.position[0] for p in g}) >= 2]
                if not groups:
                    continue
            if atom.get("merge"):
                groups = [g for g in _by_position(cands) if len(g) >= 2]
                if not groups:
                    continue
            out = atom.get("out")
            if not out:
                listed.append(atom)
                task_groups[id(atom)] = groups
                continue
            for p in self.players:
                if p.inventory and _holds(p, out):
                    listed.append(atom)
                    task_groups[id(atom)] = groups
        if not listed:
            return
        chosen = listed[(self.seed + len(self.tasks)) % len(listed)]
        second = chosen
        if chosen.layout == "cross":
            crosses = [a for a in listed if a.layout == "cross"]
            if crosses:  # theirs compares a copy with the originals, so never excludes one
                second = self.rng.choice(crosses)
        if chosen.layout == "same_room":
            group = self.rng.choice(_by_position(cands))
        elif chosen.layout in ("split", "merge"):
            group = self.rng.choice(task_groups[id(chosen)])
        else:
            group = cands
        if chosen.layout == "cross":
            self._cross(chosen, second, cands)
            return
        stage = self._stage(group[0])
        takers = 0
        out, got = chosen.get("out"), chosen.get("in")
        for p in group:
            if _holds(p, out):
                takers += 1
                for k, v in out.items():
                    p.inventory[k] -= v
                for k, v in got.items():
                    p.inventory[k] = p.inventory.get(k, 0) + v
                p.position[2] -= 3
        ids = tuple(sorted(p.idx for p in group))
        if chosen.layout == "split":
            for p in group:
                p.position[0] = min(abs(q.position[0]) for q in group)
            center = _center(group[0].position, chosen)
            self.complexity += chosen.get("score")
            for p in group:
                p.room = list(center)
            self.tasks.append(TreeTask(chosen.index, "split", center, len(group), ids, stage))
        elif chosen.layout == "merge":
            before = sum(1 for p in self.players if p.position[0] < group[0].position[0])
            for i, p in enumerate(group):
                p.position[0] = before + i - len(self.players) // 2
                center = _center(p.position, chosen)
                self.complexity += chosen.get("score") * len(group)
                p.room = list(center)
                self.tasks.append(TreeTask(chosen.index, "merge", center, 1, (p.idx,), stage))
        else:
            center = _center(group[0].position, chosen)
            if takers == 0 or chosen.get("min_player") > takers:
                return
            self.complexity += (chosen.get("score") * takers * len(chosen.get("condition"))
                                / chosen.get("wait_interval"))
            for p in group:
                p.room = list(center)
            self.tasks.append(TreeTask(chosen.index, "same_room", center, takers, ids, stage))

    def _cross(self, first: _Atom, second: _Atom, cands: list[_Player]) -> None:
        groups = _by_position(cands)
        if len(groups) < 2:
            return
        acting = self.rng.choice(groups)
        other = acting
        while other == acting:
            other = self.rng.choice(groups)
        stage = self._stage(acting[0])
        for p in acting + other:
            p.position[2] -= 3
        for p in acting:
            if _holds(p, first.get("out")):
                for k, v in first.get("out").items():
                    p.inventory[k] -= v
        for p in other:
            if _holds(p, second.get("out")):
                for k, v in second.get("out").items():
                    p.inventory[k] -= v
        for p in other:
            for k, v in first.get("in").items():
                p.inventory[k] = p.inventory.get(k, 0) + v
        for p in acting:
            for k, v in second.get("in").items():
                p.inventory[k] = p.inventory.get(k, 0) + v
        a_center, o_center = _center(acting[0].position, first), _center(other[0].position,
                                                                          first)
        self.complexity += first.get("score") * len(acting)
        for p in other:
            p.room = list(o_center)
        self.tasks.append(TreeTask(first.index, "cross", a_center, len(acting),
                                   tuple(sorted(p.idx for p in acting)), stage, o_center))
        b_center, e_center = _center(other[0].position, second), _center(acting[0].position,
                                                                          second)
        self.complexity += first.get("score") * len(other)  # theirs adds the first's score
        for p in acting:
            p.room = list(e_center)
        self.tasks.append(TreeTask(second.index, "cross", b_center, len(other),
                                   tuple(sorted(p.idx for p in other)), stage, e_center))


def state_tree(atoms: list[dict[str, Any]], players: int, rooms: int, seed: int) -> StateTree:
    """VillagerBench's escape instance for `players` players, `rooms` generate calls per pass
    (their `max_task_num`) and `seed` (their task index)."""
    return _Generator(atoms, players, rooms, seed).run()
