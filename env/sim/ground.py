"""The simulator's items on the ground, in virtual time (the rules: env/ground.py).

An agent's position is known at every moment (where it stands, or along its walk), but its
inventory changes only when its actions run, so pickups are looked for at the moments that
can change the answer:
- when an agent's action starts, every agent picks up what it touches where it is then (an
  item whose delay ran out while it stood there, or dropped at its feet by another);
- along an agent's walk, the items it passes within reach of, at the moment it does;
- when an action ends, the acting agent picks up what it touches where the action left it
  (room freed by a put, a craft, a smelt: taken at once, as on a server, which looks every tick);
- `SimBackend.advance(t)`, which the end of a run calls, as at an action's start.
A pickup takes what fits (part-filled stacks first, then empty slots) and leaves the rest
lying. Items despawn `DESPAWN_S` (300 s) after they fell. Items are looked at in the order
they fell; agents in the order they joined.
"""

from __future__ import annotations

from env.capacity import player_slots, room_for
from env.ground import GroundItem, first_touch
from env.world import FPos


def despawn(ground: list[GroundItem], t: float) -> None:
    """Removes the items gone by virtual time `t`."""
    ground[:] = [g for g in ground if g.gone > t]


def pick_up(ground: list[GroundItem], inventory: dict[str, int], agent: str,
            path: list[tuple[float, FPos]], until: float) -> dict[str, int]:
    """`agent`, moving along `path` ((time, feet) points, then standing at the last one until
    `until`) with `inventory`, picks up each item of `ground` it touches while it may, in
    the order it touches them: what fits goes into `inventory`, the rest stays (the entry
    changed in place). Returns what was picked up."""
    touched = []
    for i, g in enumerate(ground):
        t = first_touch(path, until, g, agent)
        if t is not None:
            touched.append((t, i))
    got: dict[str, int] = {}
    for _, i in sorted(touched):
        g = ground[i]
        n = min(g.count, room_for(inventory, g.item, player_slots()))
        if n <= 0:
            continue
        inventory[g.item] = inventory.get(g.item, 0) + n
        got[g.item] = got.get(g.item, 0) + n
        ground[i] = g._replace(count=g.count - n)
    ground[:] = [g for g in ground if g.count > 0]
    return got
