"""The differential test at scale: thousands of seeded random concurrent action sequences on the
simulator and on the embedded server; prints how often they disagree, and the mean duration of
each action on both (the figures the simulator's durations are calibrated from).

    .venv/bin/python bench/bench_differential.py [--sequences 2000] [--workers 3] [--start 0]

A sequence disagrees when any action's verdict (ok or refused, and the refusal code) or the
final inventories (but for the drops by chance: flint or gravel from gravel, compared over the
whole run as rates), chests or blocks (name and every property: waterlogged, lit, powered,
open, half, facing, layers, age, ...) differ; every disagreement is printed, one line each (the
cases to turn into named tests in tests/differential/test_cases.py). Errors (a bot or the
server failing, not a verdict) are counted apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqdm import tqdm  # noqa: E402

from env.minecraft.server import EVERY_BOT_PLAYS, ServerProcess  # noqa: E402
from env.rulebook import load_rulebook  # noqa: E402
from tests.differential.harness import (  # noqa: E402
    CHANCE_ALPHA,
    Tally,
    duration_ok,
    duration_table,
    run_many,
)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sequences", type=int, default=2000)
    p.add_argument("--workers", type=int, default=3, help="arenas run side by side")
    p.add_argument("--start", type=int, default=0, help="first seed")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    rules = load_rulebook()
    bar = tqdm(total=args.sequences, unit="seq", desc="sim vs server", file=sys.stderr)

    def tick(t: Tally) -> None:
        bar.set_postfix(actions=t.actions, disagreeing=t.disagreeing_sequences, refresh=False)
        bar.update(1)

    with ServerProcess(log_path=Path("runs/logs/bench_differential_server.log"),
                       extra_env=EVERY_BOT_PLAYS) as server:
        tally = run_many(range(args.start, args.start + args.sequences), rules, server,
                         workers=args.workers, durations=False, on_sequence=tick)
    bar.close()
    for line in tally.disagreements:
        print("disagreement:", line)
    for line in tally.errors:
        print("error:", line)
    timed = [(a, b) for a, b in tally.pairs if a.ok and b.ok]
    slow = sum(1 for a, b in timed if not duration_ok(a.seconds, b.seconds))
    figures = {
        "sequences": tally.sequences,
        "actions_compared": tally.actions,
        "refused_actions": tally.refused,
        "disagreements": len(tally.disagreements),
        "disagreeing_sequences": tally.disagreeing_sequences,
        "disagreement_rate": round(tally.disagreeing_sequences / max(1, tally.sequences), 4),
        "errors": len(tally.errors),
        "durations_outside_tolerance": slow,
        "durations_compared": len(timed),
        "seconds": round(tally.seconds, 1),
        "durations": duration_table(tally.pairs),
        "gravel_digs_sim": tally.chance_sim[0], "flint_sim": tally.chance_sim[1],
        "gravel_digs_server": tally.chance_server[0], "flint_server": tally.chance_server[1],
        "chance_p": round(tally.chance_p, 4),
    }
    print(f"{tally.sequences} sequences, {tally.actions} actions compared "
          f"({tally.refused} refused), {len(tally.disagreements)} disagreements in "
          f"{tally.disagreeing_sequences} sequences: disagreement rate "
          f"{figures['disagreement_rate']:.2%}; {len(tally.errors)} errors; "
          f"{slow}/{len(timed)} durations outside the tolerance; {tally.seconds:.0f} s")
    print(f"drops by chance: flint from {tally.chance_sim[1]} of {tally.chance_sim[0]} gravel "
          f"digs on the sim, {tally.chance_server[1]} of {tally.chance_server[0]} on the server "
          f"(Fisher's exact test p = {tally.chance_p:.3f}; vanilla 1 in 10)")
    print(f"{'action':<10} {'n':>5} {'sim s':>8} {'server s':>9}")
    for name, row in figures["durations"].items():
        print(f"{name:<10} {row['n']:>5} {row['sim_s']:>8.2f} {row['server_s']:>9.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1))
    return 0 if not tally.disagreements and tally.chance_p >= CHANCE_ALPHA else 1


if __name__ == "__main__":
    sys.exit(main())
