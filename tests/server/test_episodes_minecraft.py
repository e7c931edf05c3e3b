"""Whole episodes on the embedded server with real bots, and parity with the simulator."""

import pytest

from env.rulebook import load_rulebook
from env.sim import SimBackend
from tasks.catalog import load_task
from tasks.episode import EpisodeConfig, agent_ids, make_backend, run_episode
from tasks.replay import replay, touched, world_state

pytestmark = pytest.mark.server


@pytest.mark.parametrize(("task", "agents"), [("cooking/cake_0", 3),
                                              ("construction/task_0", 3),
                                              ("escape/2-0", 3)])
def test_episode_completes_on_the_real_server(task: str, agents: int) -> None:
    r = run_episode(EpisodeConfig(task=task, backend="minecraft", agents=agents,
                                  prior_noise=0.0, timeout_s=240))
    assert r["backend"] == "minecraft"
    assert r["metrics"]["completion"] == 1.0
    assert r["metrics"]["failed_actions"] == 0
    assert not r["timed_out"]


@pytest.mark.parametrize("task", ["cooking/rabbit_stew_0", "construction/task_2",
                                  "escape/1-1"])
def test_one_trace_ends_the_same_on_both_backends(task: str) -> None:
    agents = 2
    sim_run = run_episode(EpisodeConfig(task=task, agents=agents, prior_noise=0.0))
    trace = sim_run["trace"]
    assert sim_run["metrics"]["completion"] == 1.0
    spec = load_task(task, agents=agents)
    blocks, chests = touched(trace)
    ids = agent_ids(agents)

    sim = SimBackend(load_rulebook().with_world(spec.world))
    sim.build(spec.world, ids)
    assert all(ok for _, ok, _ in replay(trace, sim))
    expected = world_state(sim, ids, blocks, chests, spec.goal, spec.world.triggers)

    live = make_backend(EpisodeConfig(task=task, backend="minecraft", agents=agents), spec)
    try:
        live.build(spec.world, ids)
        results = replay(trace, live)
        got = world_state(live, ids, blocks, chests, spec.goal, spec.world.triggers)
    finally:
        live.close()
        live.server.stop()
    assert [r for r in results if not r[1]] == []
    assert got == expected


@pytest.mark.parametrize(("task", "agents"), [("escape/vb-1-1", 3), ("escape/vb-3-1", 4),
                                              ("escape/vb-4-2", 2), ("escape/vb-4-2", 4)])
def test_players_taken_on_by_a_levers_teleport_finish_on_the_real_server(
        task: str, agents: int) -> None:
    # A lever's `/tp @a[...,distance=..2]` takes its player, and those gathered by it, only
    # if their feet are within 2 blocks; a bot stops anywhere in the cell its walk ends in
    # (vb-3-1 with 4 agents: a lever and three who gather). Players of per-player levers
    # (both tasks' merge stages) flip theirs in an order that takes nobody on its way.
    # vb-4-2: a plate lifts whoever is near it onto a 4-block ledge (a player walking past it
    # too, whose walk ends there; they jump down), and the last exit is a doorway beside a
    # wall's corner with a plate diagonal to its trapdoor (4 players).
    r = run_episode(EpisodeConfig(task=task, backend="minecraft", agents=agents,
                                  prior_noise=0.0, timeout_s=300))
    assert r["metrics"]["completion"] == 1.0, r["subtasks"]["failed"]
    assert not r["timed_out"]
