"""The differential test's generator: seeded, and concurrent only where the game's verdicts do
not depend on which packet arrives first."""

from __future__ import annotations

from env.rulebook import load_rulebook
from env.world import STAND_Y
from tests.differential.harness import _footprint, make_sequence, run_on_sim

ORIGIN = (0, STAND_Y, 0)


def test_the_same_seed_gives_the_same_sequence() -> None:
    a, b = make_sequence(11, ORIGIN), make_sequence(11, ORIGIN)
    assert a.rounds == b.rounds and a.world == b.world
    assert make_sequence(12, ORIGIN).rounds != a.rounds


def test_no_two_actions_of_a_round_touch_the_same_thing() -> None:
    for seed in range(300):
        seq = make_sequence(seed, ORIGIN)
        for rnd in seq.rounds:
            seen: set = set()
            for act in rnd.values():
                fp = _footprint(act, ORIGIN)
                assert not fp & seen, (seed, rnd)
                seen |= fp


def test_sequences_mix_ok_and_refused_actions_of_every_kind() -> None:
    rules = load_rulebook()
    ok: dict[str, int] = {}
    refused: dict[str, int] = {}
    for seed in range(300):
        for v in run_on_sim(make_sequence(seed, ORIGIN), rules, ORIGIN).verdicts:
            (ok if v.ok else refused)[v.name] = (ok if v.ok else refused).get(v.name, 0) + 1
    for name in ("take", "put", "craft", "smelt", "dig", "place", "move_to", "step_on", "kill",
                 "milk"):
        assert ok.get(name, 0) >= 5, (name, ok)
    for name in ("take", "put", "craft", "smelt", "dig", "place"):
        assert refused.get(name, 0) >= 5, (name, refused)


def test_some_rounds_have_two_agents_at_one_chest_on_different_items() -> None:
    # Both backends make players take turns at a chest; the generator sends two agents there
    # in one round when their items differ (either order ends alike).
    shared = 0
    for seed in range(300):
        for rnd in make_sequence(seed, ORIGIN).rounds:
            at = [(tuple(a["pos"]), a["item"]) for a in rnd.values()
                  if a["name"] in ("take", "put")]
            chests = [p for p, _ in at]
            for pos in set(chests):
                items = [i for p, i in at if p == pos]
                if len(items) > 1:
                    assert len(set(items)) == len(items)
                    shared += 1
    assert shared >= 20
