"""More members of the classes of vanilla rules and command-line checks other test files pin:
conductors, concrete powder touching water, block-state spelling, components set over each
other, falling blueprint blocks, flag words, a parallel sweep's Ctrl-C. Pure rules and the
CLI; each test cites vanilla 1.19.2 or the docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from env.gravity import touches_water
from env.redstone import is_conductor
from env.rulebook import load_rulebook, state_problem
from env.world import BlockState

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tasks.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


# -- conductors (BlockStateBase.isRedstoneConductor) -------------------------------------------

def test_conductors_of_blocks_the_project_does_not_try() -> None:
    # Default rule: material.isSolidBlocking() && isCollisionShapeFullBlock (Material.java,
    # Blocks.java 1.19.2; minecraft.wiki/w/Conductivity). Blue ice (ICE_SOLID), target and
    # hay (GRASS), froglight (FROGLIGHT), shroomlight (GRASS), honeycomb block (CLAY), a closed
    # shulker box (SHULKER_SHELL), sculk (SCULK), note block (WOOD) conduct. Mangrove leaves
    # (LEAVES) and frosted ice (ICE) are notSolidBlocking; honey block (collision inset 1/16),
    # dirt path (15/16), 8 snow layers (collision 7/8), a sculk shrieker (half) are not full.
    yes = ["blue_ice", "target", "hay_block", "ochre_froglight", "shroomlight",
           "honeycomb_block", "white_shulker_box", "sculk", "note_block"]
    no = ["mangrove_leaves", "frosted_ice", "honey_block", "dirt_path", "sculk_shrieker"]
    assert [n for n in yes + no if is_conductor(BlockState(name=n))] == yes
    assert not is_conductor(BlockState(name="snow", state={"layers": 8}))


# -- concrete powder (ConcretePowderBlock.touchesLiquid) ---------------------------------------

def _one(neighbour: BlockState, offset: tuple[int, int, int]) -> bool:
    return touches_water((0, 0, 0), lambda p: neighbour if p == offset else
                         BlockState(name="air"))


@pytest.mark.parametrize(("neighbour", "offset", "wets"), [
    # fluid state water (FluidTags.WATER): flowing water, bubble columns, kelp, seagrass
    (BlockState(name="water", state={"level": 3}), (1, 0, 0), True),
    (BlockState(name="bubble_column", state={"drag": True}), (1, 0, 0), True),
    (BlockState(name="kelp_plant"), (0, 1, 0), True),
    (BlockState(name="seagrass"), (0, 0, 1), True),
    # a waterlogged neighbour whose face toward the powder is not sturdy wets it: a top slab
    # above (its bottom face is empty), a closed top trapdoor above; a bottom slab or a
    # closed bottom trapdoor above has a full bottom face: no
    (BlockState(name="stone_slab", state={"type": "top", "waterlogged": True}), (0, 1, 0), True),
    (BlockState(name="stone_slab", state={"type": "bottom", "waterlogged": True}), (0, 1, 0),
     False),
    (BlockState(name="oak_trapdoor", state={"half": "top", "open": False, "facing": "north",
                                            "waterlogged": True}), (0, 1, 0), True),
    (BlockState(name="oak_trapdoor", state={"half": "bottom", "open": False, "facing": "north",
                                            "waterlogged": True}), (0, 1, 0), False),
    # lava is not water; water diagonal does not touch
    (BlockState(name="lava", state={"level": 0}), (1, 0, 0), False),
    (BlockState(name="water", state={"level": 0}), (1, 1, 0), False),
])
def test_touches_water_other_neighbours(neighbour: BlockState, offset: tuple[int, int, int],
                                        wets: bool) -> None:
    assert _one(neighbour, offset) is wets


# -- block states the game refuses (state_problem) ---------------------------------------------

@pytest.mark.parametrize(("block", "state"), [
    ("oak_door", {"facing": "North"}), ("oak_door", {"hinge": "Left"}),
    ("lever", {"powered": "TRUE"}), ("lever", {"face": "FLOOR"})])
def test_state_values_are_case_sensitive_as_the_game_parses_them(
        block: str, state: dict[str, str]) -> None:
    # BlockStateParser -> Property.getValue is case-sensitive (EnumProperty's map of
    # lower-case serialized names; BooleanProperty: "true"/"false" only), so /setblock refuses
    # `facing=North`: so do both backends.
    assert state_problem(block, state, load_rulebook()) is not None


# -- cooking: a component set over another's cell ---------------------------------------------

def test_a_chest_component_set_over_another_chest_is_said() -> None:
    # VillagerAgent sets components one after another; a second chest at the first chest's
    # cell replaces it (the last set stays), so the first chest's items (the cake's egg,
    # milk, wheat and sugar) are not in the world: said, though the block is the same.
    from tasks.importers import import_cooking
    from tests.test_importers import STRUCTURES, _task

    task = _task("cake_0")
    task["component"].append({"name": "chest", "type": "block", "position": [-1, 0, 10],
                              "facing": "north", "items": [{"name": "apple", "count": 5}]})
    spec = import_cooking(task, STRUCTURES)
    assert [c.items for c in spec.world.containers] == [{"apple": 5}]  # the first is gone
    assert any("replaces" in w for w in spec.import_warnings), spec.import_warnings


# -- construction: falling blueprint blocks ----------------------------------------------------

def test_both_sands_of_a_column_over_air_are_said_to_fall() -> None:
    # sand on sand over a free cell: both fall (FallingBlock.tick: the lower one first, then
    # the upper one's cell below is free), so both are said.
    from tasks.importers import import_construction

    spec = import_construction("t", ["material: sand facing: A position: [0, -59, 0]",
                                     "material: sand facing: A position: [0, -58, 0]"])
    assert len([w for w in spec.import_warnings if "cannot stay" in w]) == 2, \
        spec.import_warnings


# -- CLI flag checks ---------------------------------------------------------------------------

def test_bench_agents_above_8_is_refused_in_the_flags_words() -> None:
    # `run --agents 1000` and `bench --agents 1000` say it in the same words.
    out = cli("bench", "--agents", "1000")
    assert out.returncode == 2
    assert "is more than 8 agents" in out.stderr, out.stderr


def test_timeout_inf_message_says_what_timeout_accepts() -> None:
    # the message names what --timeout takes (not ">= 0": 0 is refused too)
    inf = cli("run", "cooking/cake_0", "--timeout", "inf")
    zero = cli("run", "cooking/cake_0", "--timeout", "0")
    assert inf.returncode == zero.returncode == 2
    assert ">= 0" not in inf.stderr, inf.stderr


# -- Ctrl-C of a bench sweep with --jobs 2 -----------------------------------------------------

def test_a_second_ctrl_c_of_a_parallel_bench_prints_no_traceback(tmp_path: Path) -> None:
    # Two Ctrl-Cs 0.1 s apart of a sweep with 2 worker processes: the workers are stopped
    # (the episodes in flight are not recorded), one line says how many are and how to go
    # on, and no traceback or hang follows (the pool's exit used to join its busy workers:
    # "Exception ignored ... KeyboardInterrupt", or a hang until a third Ctrl-C).
    import os
    import signal
    import time

    out = tmp_path / "sweep"
    proc = subprocess.Popen(
        [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, "
         "signal.SIG_DFL); os.execv(sys.executable, [sys.executable, '-m', 'tasks.cli', "
         "*sys.argv[1:]])", "bench", "--tasks", "construction/*", "--seeds", "3",
         "--jobs", "2", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "err").open("w"),
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    episodes = out / "episodes.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
            not episodes.exists() or len(episodes.read_text().splitlines()) < 4):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:  # it hangs: a third Ctrl-C ends it
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        pytest.fail("still running 60 s after two Ctrl-Cs")
    err = (tmp_path / "err").read_text()
    # (a second Ctrl-C that comes once all is stopped ends the process by that signal,
    # which a shell reports as the same status)
    assert proc.returncode in (130, -signal.SIGINT)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-600:]
    assert f"episodes are recorded in {out}; --resume runs the rest" in err
