"""The blueprint line parser: one line of every shape seen, exact blocks out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tasks.importers import TaskError, parse_blueprint, parse_line
from tasks.importers.construction import LineError, tokenize

DATA = Path(__file__).resolve().parents[1] / "tasks" / "data" / "villagerbench"


def blocks(line: str) -> list[tuple[str, tuple[int, int, int], str | None]]:
    return [(b.name, b.pos, b.facing) for b in parse_line(line)]


def test_tokens_of_a_plain_line() -> None:
    assert tokenize("material: torch facing: A position: [-8, -58, 0]") == [
        ("key", "material"), ("word", "torch"), ("key", "facing"), ("word", "A"),
        ("key", "position"), ("open", "["), ("num", "-8"), ("num", "-58"), ("num", "0"),
        ("close", "]")]


def test_plain_line_with_commas() -> None:
    assert blocks("material: cut_sandstone facing: A position: [-8, -60, 0]") == [
        ("cut_sandstone", (-8, -60, 0), None)]


def test_axis_facing() -> None:
    assert blocks("material: bone_block facing: x position: [-8, -56, 0]") == [
        ("bone_block", (-8, -56, 0), "x")]


def test_bracketed_position_list() -> None:
    assert blocks("[material:hay_block facing:y positions:[[-8 -59 -2] [-8 -59 2]]]") == [
        ("hay_block", (-8, -59, -2), "y"), ("hay_block", (-8, -59, 2), "y")]


def test_direction_letters_map_to_words() -> None:
    assert blocks("[material:carved_pumpkin facing:W positions:[[-8 -58 -2]]]") == [
        ("carved_pumpkin", (-8, -58, -2), "west")]
    got = [f for _, _, f in blocks(
        "[material:oak_stairs facing:N position:[0 0 0] material:oak_stairs facing:S "
        "position:[0 0 1] material:oak_stairs facing:E position:[0 0 2] material:oak_stairs "
        "facing:east position:[0 0 3] material:oak_stairs facing:U position:[0 0 4]]")]
    assert got == ["north", "south", "east", "east", "up"]


def test_start_end_pairs_fill_boxes_corners_included() -> None:
    assert blocks("[material:bone_block facing:y positions:[start:[-10 -60 0] "
                  "end:[-10 -58 0]]]") == [
        ("bone_block", (-10, -60, 0), "y"), ("bone_block", (-10, -59, 0), "y"),
        ("bone_block", (-10, -58, 0), "y")]
    # two pairs, the second one a 2 x 1 x 2 box given from its high corner
    got = blocks("[material:dirt facing:A positions:[start:[0 0 0] end:[1 0 0] "
                 "start:[5 1 6] end:[4 1 5]]]")
    assert got == [("dirt", (0, 0, 0), None), ("dirt", (1, 0, 0), None),
                   ("dirt", (4, 1, 5), None), ("dirt", (4, 1, 6), None),
                   ("dirt", (5, 1, 5), None), ("dirt", (5, 1, 6), None)]


def test_several_groups_in_one_line() -> None:
    assert blocks("[material:poppy facing:A position:[-9 -59 -1] material:oxeye_daisy "
                  "facing:A position:[-9 -59 0] material:dandelion facing:A "
                  "position:[-9 -59 1]]") == [
        ("poppy", (-9, -59, -1), None), ("oxeye_daisy", (-9, -59, 0), None),
        ("dandelion", (-9, -59, 1), None)]


def test_two_bracketed_groups_in_one_line() -> None:
    assert blocks("[material:dirt facing:A position:[0 0 0]] [material:stone facing:A "
                  "positions:[[1 0 0]]]") == [("dirt", (0, 0, 0), None),
                                              ("stone", (1, 0, 0), None)]


def test_name_key_instead_of_material() -> None:
    assert blocks("[name:lantern facing:A position:[-11 -59 0] name:composter facing:A "
                  "position:[-11 -59 3]]") == [
        ("lantern", (-11, -59, 0), None), ("composter", (-11, -59, 3), None)]


def test_per_position_facing() -> None:
    assert blocks("[material:oak_trapdoor positions:[position:[-9 -60 -2] facing:N "
                  "position:[-8 -60 -1] facing:E position:[-9 -60 2] facing:S]]") == [
        ("oak_trapdoor", (-9, -60, -2), "north"), ("oak_trapdoor", (-8, -60, -1), "east"),
        ("oak_trapdoor", (-9, -60, 2), "south")]


def test_coords_with_facing() -> None:
    assert blocks("[material:stone_brick_stairs positions:[coords:[-12 -55 -1] facing:E "
                  "coords:[-9 -55 -1] facing:W]]") == [
        ("stone_brick_stairs", (-12, -55, -1), "east"),
        ("stone_brick_stairs", (-9, -55, -1), "west")]


def test_rectangle_from_two_corners() -> None:
    got = blocks("[material:smooth_sandstone facing:A shape:rectangle "
                 "corners:[[-10 -60 -2] [-8 -60 0]]]")
    assert [p for _, p, _ in got] == [(x, -60, z) for x in (-10, -9, -8) for z in (-2, -1, 0)]


def test_rectangle_from_four_corners_with_missing_cells_and_another_group() -> None:
    got = blocks("[material:smooth_sandstone facing:A shape:rectangle corners:[[-15 -60 -1] "
                 "[-9 -60 -1] [-15 -60 1] [-9 -60 1]] missing:[[-11 -60 0] [-12 -60 0]] "
                 "material:smooth_sandstone facing:A position:[-8 -60 2]]")
    cells = [(x, -60, z) for x in range(-15, -8) for z in (-1, 0, 1)
             if (x, z) not in ((-11, 0), (-12, 0))]
    assert [p for _, p, _ in got] == [*cells, (-8, -60, 2)]
    assert len(got) == 20


def test_height_as_layer_count_and_as_own_level() -> None:
    assert [p for _, p, _ in blocks(
        "[material:stone facing:A height:3 shape:rectangle corners:[[0 -60 0] [1 -60 0]]]")] == [
        (0, -60, 0), (0, -59, 0), (0, -58, 0), (1, -60, 0), (1, -59, 0), (1, -58, 0)]
    # the public tasks write the shape's own (absolute) y: nothing is added
    assert blocks("[material:coal_ore facing:A height:-57 positions:[[-10 -57 -6] "
                  "[-11 -57 -5]]]") == [("coal_ore", (-10, -57, -6), None),
                                        ("coal_ore", (-11, -57, -5), None)]
    # an absolute top above the cells makes columns up to it
    assert [p for _, p, _ in blocks("[material:stone facing:A height:-58 "
                                    "position:[0 -60 0]]")] == [
        (0, -60, 0), (0, -59, 0), (0, -58, 0)]


def test_the_build_height_edges_are_kept() -> None:
    got = parse_blueprint(["material: dirt facing: A position: [0, 319, 0]",
                           "material: dirt facing: A position: [0, -64, 0]"], task="edges",
                          strict=True)
    assert sorted(b.pos for b in got) == [(0, -64, 0), (0, 319, 0)]


def test_duplicate_positions_later_line_wins() -> None:
    got = parse_blueprint(["material: dirt facing: A position: [0, -60, 0]",
                           "material: stone facing: A position: [1, -60, 0]",
                           "material: grass_block facing: A position: [0, -60, 0]"],
                          task="dupes")
    assert [(b.name, b.pos) for b in got] == [("stone", (1, -60, 0)),
                                              ("grass_block", (0, -60, 0))]


MALFORMED = [
    ("material: no_such_block facing: A position: [0, 0, 0]", "unknown block 'no_such_block'"),
    ("material: dirt facing: A position: [0, 0]", "position must be [x y z], got [0 0]"),
    ("material: dirt facing: A position: [0, 0.5, 0]", "must be whole numbers"),
    ("[material:dirt facing:A positions:[end:[0 0 0]]]", "has no 'start:' before it"),
    ("[material:dirt facing:Q position:[0 0 0]]", "unknown facing 'Q'"),
    ("[material:dirt facing:A]", "dirt has no position"),
    ("[material:dirt facing:A colour:red position:[0 0 0]]",
     "ignored the unknown key 'colour:red' of dirt"),
    ("[material:dirt facing:A position:[0 0 0]", "never closed"),
    ("facing:A position:[0 0 0]", "comes before any 'material:'"),
    ("[material:dirt shape:circle corners:[[0 0 0] [1 0 1]]]", "unknown shape 'circle'"),
    ("[material:dirt corners:[[0 0 0] [1 0 1] [2 0 2]]]", "2 or 4 corners, got 3"),
    ("material: dirt facing: A position: [0, 0, 0] $", "cannot read '$'"),
    # 1.19.2's overworld holds blocks at y -64 to 319 (minecraft-data, loginPacket.json:
    # minecraft:overworld min_y -64, height 384).
    ("material: dirt facing: A position: [0, 320, 0]",
     "dirt at [0, 320, 0] is outside the world's build height (y -64 to 319)"),
    ("material: stone facing: A position: [0, -65, 0]",
     "stone at [0, -65, 0] is outside the world's build height (y -64 to 319)"),
]


@pytest.mark.parametrize(("line", "message"), MALFORMED)
def test_strict_malformed_lines_name_the_problem(line: str, message: str) -> None:
    with pytest.raises(TaskError) as err:
        parse_blueprint(["material: dirt facing: A position: [5, 5, 5]", line],
                        file="bp.json", task="task_x", strict=True)
    text = str(err.value)
    assert text.startswith("bp.json, task 'task_x', line 2: ")
    assert message in text
    assert repr(line.strip()) in text
    assert "\n" not in text


@pytest.mark.parametrize(("line", "message"), MALFORMED)
def test_malformed_lines_are_skipped_with_a_warning_quoting_them(line: str,
                                                                  message: str) -> None:
    warnings: list[str] = []
    got = parse_blueprint(["material: dirt facing: A position: [5, 5, 5]", line],
                          file="bp.json", task="task_x", warnings=warnings)
    assert (got[0].name, got[0].pos) == ("dirt", (5, 5, 5))
    assert len(warnings) == 1
    assert warnings[0].startswith("line 2: ")
    assert message in warnings[0] and repr(line.strip()) in warnings[0]
    # a line passed over only in part keeps what it could read
    readable = "colour" in line or "never closed" in message or "facing:Q" in line
    assert len(got) == (2 if readable else 1)


def test_a_task_with_no_readable_line_is_an_error() -> None:
    with pytest.raises(TaskError, match=r"^bp.json, task 'task_x': no blueprint line could be "
                                        r"read \(line 1: skipped: unknown block 'glowstne'"):
        parse_blueprint(["material: glowstne facing: A position: [0, -60, 0]"],
                        file="bp.json", task="task_x")


def test_line_error_is_a_value_error() -> None:
    with pytest.raises(LineError):
        parse_line("[material:dirt]]")


def _real() -> dict[str, list[str]]:
    return json.loads((DATA / "blueprint_description_all.json").read_text())


def test_task_0_exact() -> None:
    got = parse_blueprint(_real()["task_0"], task="task_0")
    assert [(b.name, b.pos, b.facing) for b in got] == [
        ("cut_sandstone", (-8, -60, 0), None), ("terracotta", (-8, -59, 0), None),
        ("torch", (-8, -58, 0), None)]


def test_real_task_counts() -> None:
    real = _real()
    counts = {name: Counter(b.name for b in parse_blueprint(real[name], task=name))
              for name in ("task_4", "task_24", "task_58", "task_86")}
    assert counts["task_4"] == {"bone_block": 6}
    assert counts["task_24"] == {"grass_block": 3, "oak_trapdoor": 8, "poppy": 1,
                                 "oxeye_daisy": 1, "dandelion": 1}
    # task_58: 20 from line 1, then overlapping boxes: 42 distinct cells in all
    assert sum(counts["task_58"].values()) == 42
    facings = {(b.pos, b.facing) for b in parse_blueprint(real["task_86"], task="task_86")
               if b.name == "stone_brick_stairs"}
    assert facings == {((-12, -55, -1), "east"), ((-9, -55, -1), "west")}


def test_census_every_public_task_parses_and_every_shape_is_seen() -> None:
    real = _real()
    assert len(real) == 50
    shapes: Counter[str] = Counter()
    total = 0
    for name, lines in real.items():
        total += len(parse_blueprint(lines, task=name))
        for line in lines:
            kinds = {kind_text for kind, kind_text in tokenize(line) if kind == "key"}
            shapes.update(kinds)
    assert set(shapes) == {"material", "name", "facing", "position", "positions", "start",
                           "end", "coords", "shape", "corners", "missing", "height"}
    assert total == 1756


# -- forms the public half does not use -----------------------------------------------------

def test_single_among_positions() -> None:
    assert blocks("[material:stone facing:A positions:[single:[-8 -60 0] [-9 -60 0] "
                  "single:[-10 -60 0]]]") == [
        ("stone", (-8, -60, 0), None), ("stone", (-9, -60, 0), None),
        ("stone", (-10, -60, 0), None)]
    assert blocks("[material:oak_log facing:y positions:[single:[0 0 0] start:[1 0 0] "
                  "end:[2 0 0]]]") == [("oak_log", (0, 0, 0), "y"), ("oak_log", (1, 0, 0), "y"),
                                       ("oak_log", (2, 0, 0), "y")]


def test_start_without_end_is_one_block_with_its_facing() -> None:
    assert blocks("[material:oak_stairs positions:[start:[-8 -60 0] facing:N start:[-9 -60 0] "
                  "facing:E start:[-10 -60 0] end:[-10 -60 1]]]") == [
        ("oak_stairs", (-8, -60, 0), "north"), ("oak_stairs", (-9, -60, 0), "east"),
        ("oak_stairs", (-10, -60, 0), None), ("oak_stairs", (-10, -60, 1), None)]
    assert blocks("[material:stone facing:A positions:[start:[0 0 0] start:[1 0 0]]]") == [
        ("stone", (0, 0, 0), None), ("stone", (1, 0, 0), None)]
    # a facing between a start and its end is the box's
    assert blocks("[material:oak_stairs positions:[start:[0 0 0] facing:W end:[1 0 0]]]") == [
        ("oak_stairs", (0, 0, 0), "west"), ("oak_stairs", (1, 0, 0), "west")]


def test_irregular_shape_is_the_listed_positions() -> None:
    assert blocks("[material:smooth_sandstone facing:A shape:irregular positions:[[-8 -60 0] "
                  "[-9 -60 1]]]") == [("smooth_sandstone", (-8, -60, 0), None),
                                     ("smooth_sandstone", (-9, -60, 1), None)]
    assert blocks("[material:dirt facing:A shape:irregular position:[0 0 0]]") == [
        ("dirt", (0, 0, 0), None)]


@pytest.mark.parametrize("line", [
    "material:  stone ,  facing : A ,  position : [ -8 , -60 , 0 ] ,",
    "[ material : stone , facing : A , positions : [ [-8, -60, 0], ] ]",
    "material: minecraft:stone facing: A position: [-8, -60, 0];",
    "material: 'stone' facing: a position: (-8, -60, 0)",
    'material: "minecraft:stone", facing: "A", position: [-8, -60, 0]',
    "material=stone facing=A position=[-8 -60 0]",
    "block: stone direction: any coords: [[-8 -60 0]]",
    "Material: STONE Facing: A Position: [-8, -60, 0]",
    "material: stone facing: A position: {x: -8, y: -60, z: 0}",
])
def test_spacing_commas_quotes_and_key_spellings(line: str) -> None:
    assert blocks(line) == [("stone", (-8, -60, 0), None)]


def test_facing_after_a_position_belongs_to_it_and_axis_is_a_facing() -> None:
    assert blocks("material: oak_stairs position: [0, 0, 0] facing: S position: [1, 0, 0] "
                  "facing: N") == [("oak_stairs", (0, 0, 0), "south"),
                                   ("oak_stairs", (1, 0, 0), "north")]
    assert blocks("material: oak_log axis: x positions: [[0 0 0] [1 0 0]]") == [
        ("oak_log", (0, 0, 0), "x"), ("oak_log", (1, 0, 0), "x")]


def test_names_with_spaces_and_flat_position_runs() -> None:
    assert blocks("material: Oak Planks facing: A positions: [0 0 0 1 0 0]") == [
        ("oak_planks", (0, 0, 0), None), ("oak_planks", (1, 0, 0), None)]


def test_semicolons_separate_groups_of_one_line() -> None:
    assert blocks("material: cobblestone facing: A position: [0, 0, 0]; material: glass "
                  "facing: A position: [1, 0, 0]") == [("cobblestone", (0, 0, 0), None),
                                                       ("glass", (1, 0, 0), None)]


def test_made_up_blueprints_load_with_their_warnings() -> None:
    from tasks.catalog import load_task

    variants = Path(__file__).parent / "fixtures" / "villagerbench_variants"
    names = json.loads((variants / "blueprint_description_all.json").read_text())
    for name in names:
        spec = load_task(f"construction/{name}", variants)
        want = 1 if name == "made_with_bad_line" else 0
        assert len(spec.import_warnings) == want, (name, spec.import_warnings)
    bad = load_task("construction/made_with_bad_line", variants)
    assert bad.import_warnings == [
        "line 2: skipped: position must be [x y z], got [-9 -60] in "
        "'material: stone facing: A position: [-9, -60]'"]
    with pytest.raises(TaskError, match=r"task 'made_with_bad_line', line 2: "):
        load_task("construction/made_with_bad_line", variants, strict=True)


def test_a_falling_block_the_blueprint_leaves_over_air_is_said_to_fall() -> None:
    # Sand two cells up with nothing under it in the blueprint falls (FallingBlock: its cell
    # below is free), so no build reaches the blueprint; sand on a blueprint stone, or on the
    # ground, stays. Said at import (strict: refused); the block stays in the blueprint.
    from tasks.importers import TaskError, import_construction

    lines = ["material: sand facing: A position: [0, -58, 0]",
             "material: stone facing: A position: [3, -60, 0]",
             "material: sand facing: A position: [3, -59, 0]",
             "material: gravel facing: A position: [5, -60, 0]"]
    spec = import_construction("t", lines)
    assert spec.import_warnings == [
        "sand at [0, -58, 0] cannot stay: the blueprint leaves [0, -59, 0] under it air, so "
        "it falls; kept"]
    assert len(spec.goal.blueprint) == 4  # type: ignore[union-attr]
    with pytest.raises(TaskError, match=r"sand at \[0, -58, 0\] cannot stay"):
        import_construction("t", lines, strict=True)
