"""Whole escape episodes on the simulator: the offline brain, no prior noise."""

from __future__ import annotations

import itertools
import math

import pytest

from tasks.catalog import load_task
from tasks.episode import run_episode


def _run(task: str, agents: int) -> dict:
    return run_episode({"task": task, "agents": agents, "prior_noise": 0, "planner": "full"})


@pytest.mark.parametrize("agents", [2, 3, 4])
def test_atom_8_plate_ledge_button_and_lever(agents: int) -> None:
    result = _run("escape/1-3", agents)
    assert result["metrics"]["completion"] == 1.0  # every trigger fired, come_in too
    assert result["subtasks"]["failed"] == {}
    assert sorted(result["subtasks"]["done"]) == ["trigger:room0:activate",
                                                  "trigger:room0:final"]
    # one player steps on the plate, is lifted to the ledge and presses the button from there
    done = [(a["agent"], a["name"], tuple(a["args"]["pos"])) for a in result["trace"]
            if a["ok"] and a["subtask"] == "trigger:room0:activate"]
    assert [(n, p) for _, n, p in done] == [("step_on", (0, -60, -4)),
                                            ("activate", (0, -56, -1))]
    assert done[0][0] == done[1][0]
    # the button first, from the ledge; then the lever, which pulls everyone to the exit
    starts = {tuple(a["args"].get("pos", ())): a["start"] for a in result["trace"]
              if a["ok"] and a["name"] == "activate"}
    assert starts[(0, -56, -1)] < starts[(0, -59, 3)]


def test_merge_lever_takes_every_player_into_the_next_room() -> None:
    # escape/3-3: atom 8, then atom 3 (a lever teleports the players within 2 blocks into the
    # next room, which has no other way in), then atom 6 (one plate per player, all at once)
    result = _run("escape/3-3", 4)
    assert result["metrics"]["completion"] == 1.0
    assert result["subtasks"]["failed"] == {}
    lever = [(a["agent"], a["name"]) for a in result["trace"]
             if a["ok"] and a["subtask"] == "trigger:room1:main"]
    assert sorted(name for _, name in lever if name not in ("rendezvous", "move_to")) == [
        "activate", "wait", "wait", "wait"]  # one flips the lever, three wait by it
    plates = {a["agent"] for a in result["trace"]
              if a["ok"] and a["name"] == "step_on" and a["subtask"] == "trigger:room2:main"}
    assert plates == {"agent1", "agent2", "agent3", "agent4"}


CHAINS = [f"escape/{rooms}-{seed}" for rooms in range(1, 5) for seed in range(4)]


@pytest.mark.parametrize("agents", [2, 3, 4])
@pytest.mark.parametrize("task", CHAINS)
def test_every_public_chain_finishes(task: str, agents: int) -> None:
    result = _run(task, agents)
    assert (result["metrics"]["completion"], result["subtasks"]["failed"]) == (1.0, {})


VILLAGERBENCH = [f"escape/vb-{rooms}-{seed}" for rooms in range(1, 5) for seed in range(4)]


@pytest.mark.parametrize("task", VILLAGERBENCH)
def test_every_villagerbench_instance_finishes(task: str) -> None:
    # among them atom 2 (a gold block from a chest for the sign) and atom 17 followed by
    # another room (the way out passes over the closed trapdoor under a two-high exit)
    result = _run(task, 3)
    assert (result["metrics"]["completion"], result["subtasks"]["failed"]) == (1.0, {})


@pytest.mark.parametrize("agents", [2, 3, 4])
def test_merge_stage_gives_each_player_its_own_lever_flipped_once(agents: int) -> None:
    # VillagerAgent's merge layout gives each player a task of its own (atom 3: a lever whose
    # `/tp @a[_position_,distance=..2] _merge_pos_` takes that player on). The atom marks
    # nothing random, yet each player still needs its own lever: one shared lever was
    # flipped on by the first player and off again by the next.
    spec = load_task("escape/vb-3-1", agents=agents)
    merge = [t for t in spec.world.triggers if t.id.startswith("room2:")]
    levers = [c.pos for t in merge for c in t.conditions]
    assert [t.id for t in merge] == [f"room2:main#{j}" for j in range(agents)]
    assert len(set(levers)) == agents and all(c.block == "lever" for t in merge
                                              for c in t.conditions)
    for t in merge:  # each keeps its own teleport, at its own lever
        assert [(e.kind, e.pos) for e in t.effects] == [("teleport", t.conditions[0].pos)]
    # far enough apart that one player's teleport does not take a player at another lever
    assert min(math.dist(p, q) for p, q in itertools.combinations(levers, 2)) >= 5
    result = _run("escape/vb-3-1", agents)
    assert (result["metrics"]["completion"], result["subtasks"]["failed"]) == (1.0, {})
    flips = [tuple(a["args"]["pos"]) for a in result["trace"]
             if a["ok"] and a["name"] == "activate" and a["subtask"].startswith("trigger:room2:")]
    assert sorted(flips) == sorted(levers)  # each lever flipped once, by one player


@pytest.mark.parametrize(("task", "agents", "order"), [
    # players spawn within reach of lever #2 and walk past it to levers #0 and #1
    ("escape/vb-1-1", 3, [("room0:main#0", "room0:main#2"), ("room0:main#1", "room0:main#2")]),
    # the way to lever #3 passes within reach of lever #1
    ("escape/vb-3-1", 4, [("room2:main#3", "room2:main#1")]),
    ("escape/vb-3-1", 3, []),
])
def test_a_players_lever_waits_for_those_whose_way_passes_within_its_teleports_reach(
        task: str, agents: int, order: list[tuple[str, str]]) -> None:
    # Each player of a merge stage flips its own lever, whose teleport takes whoever is
    # within 2 blocks (VillagerAgent's `/tp @a[_position_,distance=..2]`): a lever flipped
    # while another player walks past it takes that player away from its own lever.
    from env.rulebook import load_rulebook
    from planner.decompose import order_rules

    spec = load_task(task, agents=agents)
    rules = load_rulebook().with_world(spec.world)
    got = sorted((r.inputs and next(iter(r.inputs)).removeprefix("fired:"), r.output)
                 for r in order_rules(spec, rules))
    assert got == order
    result = _run(task, agents)
    assert (result["metrics"]["completion"], result["subtasks"]["failed"]) == (1.0, {})
    fired = {a["subtask"].removeprefix("trigger:"): a["end"] for a in result["trace"]
             if a["ok"] and a["name"] == "activate"}
    for first, then in order:  # flipped in that order, each once
        assert fired[first] <= fired[then]


def test_who_must_be_taken_by_a_levers_teleport_stands_well_within_its_reach() -> None:
    # vb-3-1 with 4 agents: room 1's lever teleports whoever is within 2 blocks of it
    # (VillagerAgent's `distance=..2`), its player and the three who gather by it included.
    # They stand within 2 - 0.75 (`CELL_SLACK`: a bot's feet may be anywhere in the cell its
    # walk ends in), so that the teleport takes them on the server as in the simulator.
    from env.rulebook import load_rulebook
    from planner.decompose import decompose

    spec = load_task("escape/vb-3-1", agents=4)
    plan = decompose(spec, load_rulebook().with_world(spec.world))
    room1 = next(s for s in plan.subtasks if s.id == "trigger:room1:main")
    assert room1.actions == [
        {"at": [0, -60, 12], "within": 1.25,
         "steps": [{"name": "activate", "pos": [0, -60, 12]}]},
        *[{"at": [0, -60, 12], "within": 1.25,
           "steps": [{"name": "wait", "seconds": 1.0}]}] * 3]
