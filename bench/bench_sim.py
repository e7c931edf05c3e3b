"""How fast the simulator executes actions and proves a walled-in goal unreachable.

    .venv/bin/python bench/bench_sim.py            # 5 runs each
    .venv/bin/python bench/bench_sim.py --runs 9

Figures (medians of `--runs` runs, wall time on this machine):
- 500 actions in a row (walks, chest takes and puts, smelts) on a small world; target: well
  under 1.5 s, so that a benchmark sweep is bound by planning, not by the simulator;
- a walk to a sealed room 30 blocks away, refused once the enclosure is proven; target: under
  0.1 s (a search of the whole area takes seconds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from env.actions import Action, MoveTo, Put, Smelt, Take  # noqa: E402
from env.rulebook import load_rulebook  # noqa: E402
from env.sim import SimBackend  # noqa: E402
from env.world import STAND_Y, BlockSpec, ContainerSpec, WorldSetup  # noqa: E402

Y = STAND_Y


def _sim(world: WorldSetup, agents: tuple[str, ...] = ("a",)) -> SimBackend:
    sim = SimBackend(load_rulebook())
    sim.build(world, list(agents))
    return sim


def five_hundred_actions() -> float:
    wall = [BlockSpec(name="stone", pos=(3, Y + dy, z)) for dy in (0, 1) for z in range(-4, 5)]
    sim = _sim(WorldSetup(blocks=[*wall, BlockSpec(name="furnace", pos=(0, Y, 2))],
                          containers=[ContainerSpec(pos=(0, Y, -2), items={"beef": 500})],
                          agent_items={"coal": 200}), ("a", "b"))
    actions: list[Action] = []
    for i in range(100):
        actions += [MoveTo(pos=(6, Y, i % 5)), MoveTo(pos=(0, Y, 0)),
                    Take(pos=(0, Y, -2), item="beef"), Smelt(furnace=(0, Y, 2), item="beef"),
                    Put(pos=(0, Y, -2), item="cooked_beef")]
    began = time.perf_counter()
    t = 0.0
    for action in actions:
        out = sim.execute("a", action, t)
        if not out.ok:
            raise SystemExit(f"bench_sim: {action.name} refused: {out.reason}")
        t += out.seconds
    return time.perf_counter() - began


def sealed_room() -> float:
    box = [BlockSpec(name="stone", pos=(30 + dx, Y + dy, dz))
           for dx in (-1, 0, 1) for dz in (-1, 0, 1) for dy in (-1, 0, 1, 2)
           if (dx, dz) != (0, 0) or dy in (-1, 2)]
    sim = _sim(WorldSetup(blocks=box))
    began = time.perf_counter()
    out = sim.execute("a", MoveTo(pos=(30, Y, 0)), 0.0)
    took = time.perf_counter() - began
    if out.ok:
        raise SystemExit("bench_sim: the sealed room was reached")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, fn, target in (("500 actions", five_hundred_actions, 1.5),
                             ("sealed room refused", sealed_room, 0.1)):
        times = [fn() for _ in range(args.runs)]
        median = statistics.median(times)
        print(f"{name:22} median {median * 1000:8.1f} ms  (min {min(times) * 1000:.1f}, "
              f"max {max(times) * 1000:.1f}; target < {target * 1000:.0f} ms; "
              f"{median / target:.2f} of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
