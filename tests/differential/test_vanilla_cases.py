"""Vanilla cases: small worlds for mechanics the other case files do not try, run on the
simulator and on the embedded server through the harness of tests/differential/test_cases.py
(`both`: the same verdicts, inventories, chest contents and block states on both), each with
vanilla 1.19.2's expected values and the source they come from in a comment."""

from __future__ import annotations

import re
from typing import Any

import pytest

from env.block_states import full_state
from env.minecraft.backend import MinecraftBackend, MinecraftError
from env.refusals import Code
from env.rulebook import Rulebook
from env.sim import SimBackend
from env.world import BlockSpec, ContainerSpec, Pos, WorldSetup
from tests.differential.test_cases import A, B, at, backend, both

pytestmark = [pytest.mark.server, pytest.mark.timeout(300)]
__all__ = ["backend"]

SPAWN = [at(0, 0), at(3, 0)]


def key(p: Pos) -> str:
    return ",".join(map(str, p))


def spec(pos: Pos, name: str, **state: Any) -> BlockSpec:
    return BlockSpec(name=name, pos=pos, state=state)


def act(name: str, pos: Pos, **more: Any) -> dict[str, Any]:
    return {"name": name, "pos": list(pos), **more}


def block(run: Any, p: Pos) -> dict[str, Any]:
    k = key(p)
    return {"name": run.final["blocks"][k], **run.final["states"][k]}


def want(name: str, **state: str) -> dict[str, Any]:
    return {"name": name, **full_state(name, state)}


def pillar(dx: int, dz: int, height: int) -> list[BlockSpec]:
    return [spec(at(dx, dz, dy), "stone") for dy in range(height)]


# -- capacity: stack sizes 1 and 16 ------------------------------------------------------------

def test_milk_buckets_stack_to_one_and_ender_pearls_to_sixteen(backend: MinecraftBackend,
                                                              rules: Rulebook) -> None:
    # minecraft.wiki/w/Milk_Bucket: "Stackable: No"; /w/Ender_Pearl: "Stackable: Yes (16)";
    # /w/Inventory: 36 slots; /w/Chest: 27 slots. Each agent holds 34 stacks of dirt and a
    # milk bucket: 1 slot free.
    src, full = at(1, 2), at(4, 2)
    world = WorldSetup(containers=[ContainerSpec(pos=src, items={"milk_bucket": 3,
                                                                 "ender_pearl": 40}),
                                   ContainerSpec(pos=full, items={"stone": 26 * 64})],
                       spawn=SPAWN, agent_items={"dirt": 34 * 64, "milk_bucket": 1})
    rounds = [
        # A: 2 milk buckets need 2 slots, 1 is free -> inventory_full
        {A: act("take", src, item="milk_bucket", count=2),
         # B: the chest has 1 free slot: one milk bucket fits, so a put of 1 is done
         B: act("put", full, item="milk_bucket", count=1)},
        {A: act("take", src, item="milk_bucket", count=1),
         # B now has 2 free slots: 33 ender pearls need 3 (16 + 16 + 1) -> inventory_full
         B: act("take", src, item="ender_pearl", count=33)},
        {A: act("take", src, item="ender_pearl", count=1),
         B: act("take", src, item="ender_pearl", count=32)},
    ]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.agent, v.code) for v in run.verdicts] == [
            (A, Code.INVENTORY_FULL.value), (B, None),
            (A, None), (B, Code.INVENTORY_FULL.value),
            (A, Code.INVENTORY_FULL.value), (B, None)]
        assert run.final["inventories"] == {A: {"dirt": 34 * 64, "milk_bucket": 2},
                                            B: {"dirt": 34 * 64, "ender_pearl": 32}}
        assert run.final["chests"] == {key(src): {"ender_pearl": 8, "milk_bucket": 2},
                                       key(full): {"milk_bucket": 1, "stone": 26 * 64}}


def test_a_second_milk_bucket_does_not_fit_a_chest_with_one_free_slot(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # minecraft.wiki/w/Milk_Bucket "Stackable: No", /w/Chest 27 slots: 26 stacks of stone and
    # one free slot take one milk bucket, not two; a put that does not fit moves nothing.
    full = at(1, 2)
    world = WorldSetup(containers=[ContainerSpec(pos=full, items={"stone": 26 * 64})],
                       spawn=SPAWN, agent_items={"milk_bucket": 2})
    sim, srv = both(backend, rules, world, [{A: act("put", full, item="milk_bucket", count=2)}])
    for run in (sim, srv):
        assert [v.code for v in run.verdicts] == [Code.CONTAINER_FULL.value]
        assert run.final["chests"] == {key(full): {"stone": 26 * 64}}
        assert run.final["inventories"][A] == {"milk_bucket": 2}


# -- trapped double chests ---------------------------------------------------------------------

def test_a_trapped_chest_joins_a_trapped_chest_and_breaking_the_old_half_hands_its_items(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ChestBlock.getStateForPlacement (TrappedChestBlock extends ChestBlock; candidates are
    # BlockState.is(this)): a trapped chest placed beside a single trapped chest facing the
    # same way joins it. A looks south at (1, 2): the new chest faces north; its partner on
    # its east (north's clockwise side) makes it the left half, the old one the right half.
    # The pair is one container of 54 slots, the right half's first (CompoundContainer;
    # minecraft.wiki/w/Trapped_Chest: "a large trapped chest"): 10 stacks of cobblestone put
    # through the new half fill the old half's 7 free slots, then 3 of the new half's. A then
    # breaks the old (right) half: its 20 stacks of dirt, its 7 of cobblestone and the
    # trapped chest come to A (the project's drops rule); the new half is single again.
    old, new = at(2, 2), at(1, 2)
    world = WorldSetup(containers=[ContainerSpec(pos=old, facing="north", kind="trapped_chest",
                                                 items={"dirt": 20 * 64})],
                       spawn=SPAWN, agent_items={"trapped_chest": 1, "cobblestone": 10 * 64})
    rounds = [{A: act("place", new, item="trapped_chest")},
              {A: act("put", new, item="cobblestone", count=10 * 64)},
              {A: act("dig", old)}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [(True, None)] * 3
        assert block(run, new) == want("trapped_chest", facing="north", type="single")
        assert run.final["blocks"][key(old)] == "air"
        assert run.final["inventories"][A] == {"cobblestone": 7 * 64, "dirt": 20 * 64,
                                               "trapped_chest": 1}


# -- connections: faces that are sturdy or not -------------------------------------------------

def test_fences_and_panes_against_stairs_slabs_walls_and_powder_snow(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # FenceBlock.connectsTo / IronBarsBlock.attachsTo / WallBlock.connectsTo (1.19.2):
    # - a straight stair's back (its `facing` side) is a full face: a fence there joins it,
    #   a fence at its front (half a face) does not (StairBlock shapes; isFaceSturdy FULL);
    # - a double slab is a full block (joined), a top slab's side is half a face (not);
    # - a fence does not join a wall nor a pane (neither is in #wooden_fences nor sturdy);
    #   a wall and a pane join each other (WallBlock: `instanceof IronBarsBlock`;
    #   IronBarsBlock: `is(BlockTags.WALLS)`);
    # - powder snow's support shape is empty (PowderSnowBlock.getCollisionShape answers
    #   Shapes.empty() for a context without an entity, which getBlockSupportShape passes):
    #   a fence beside it does not join it.
    # B places an oak fence east of a stair facing east (its back): it joins west.
    world = WorldSetup(blocks=[
        spec(at(1, 3), "oak_stairs", facing="east", half="bottom", shape="straight"),
        spec(at(2, 3), "oak_fence"),            # at the stair's back (east)
        spec(at(0, 3), "oak_fence"),            # at the stair's front (west)
        spec(at(4, 3), "smooth_stone_slab", type="double"),
        spec(at(5, 3), "oak_fence"),            # east of the double slab
        spec(at(6, 3), "smooth_stone_slab", type="top"),  # east of that fence
        spec(at(4, 5), "cobblestone_wall"),
        spec(at(5, 5), "oak_fence"),            # east of the wall
        spec(at(6, 5), "glass_pane"),           # east of the fence
        spec(at(7, 5), "cobblestone_wall"),     # east of the pane
        spec(at(1, 6), "powder_snow"),
        spec(at(2, 6), "oak_fence"),
        spec(at(5, 1), "oak_stairs", facing="east", half="bottom", shape="straight")],
        spawn=SPAWN, agent_items={"oak_fence": 1})
    stairs_back = at(6, 1)
    sim, srv = both(backend, rules, world, [{B: act("place", stairs_back, item="oak_fence")}])

    def fence(name: str = "oak_fence", **sides: bool) -> dict[str, Any]:
        return want(name, **{d: str(sides.get(d, False)).lower()
                             for d in ("north", "east", "south", "west")})

    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True]
        assert block(run, at(2, 3)) == fence(west=True), "fence at a stair's back"
        assert block(run, at(0, 3)) == fence(), "fence at a stair's front"
        assert block(run, stairs_back) == fence(west=True), "fence placed at a stair's back"
        assert block(run, at(5, 3)) == fence(west=True), "fence between double and top slab"
        assert block(run, at(5, 5)) == fence(), "fence between a wall and a pane"
        assert block(run, at(6, 5)) == fence("glass_pane", east=True), "pane beside a wall"
        assert run.final["states"][key(at(7, 5))]["west"] == "low", "wall beside a pane"
        assert run.final["states"][key(at(4, 5))]["east"] == "none", "wall beside a fence"
        assert block(run, at(2, 6)) == fence(), "fence beside powder snow"


# -- falling blocks onto blocks that are not free and cannot be replaced -----------------------

def test_sand_falling_onto_a_carpet_or_a_chest_breaks_and_sand_on_a_cobweb_stays(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # FallingBlock.isFree: air, fire, liquids, replaceable materials; a carpet
    # (CLOTH_DECORATION), a chest and a cobweb (WEB) are none of these. Sand placed two cells
    # above a carpet falls one cell and lands on the carpet's 1/16 box, in the carpet's cell,
    # which it cannot replace: it breaks (FallingBlockEntity.tick, canBeReplaced false ->
    # spawnAtLocation). The same onto a chest (14/16 high). Sand placed right on a cobweb
    # stays (the cobweb is not free). Dead bush is REPLACEABLE_PLANT: sand over it falls
    # into its cell and replaces it (minecraft.wiki/w/Falling_Block).
    world = WorldSetup(
        blocks=[*pillar(1, 2, 3), spec(at(2, 2), "white_carpet"),
                *pillar(4, 3, 3),
                spec(at(1, 4), "cobweb"), *pillar(0, 4, 2),
                spec(at(5, 2), "dead_bush"), *pillar(6, 2, 2)],
        containers=[ContainerSpec(pos=at(3, 3), facing="north", items={"apple": 1})],
        spawn=SPAWN, agent_items={"sand": 2})
    rounds = [{A: act("place", at(2, 2, 2), item="sand"),
               B: act("place", at(3, 3, 2), item="sand")},
              {A: act("place", at(1, 4, 1), item="sand"),
               B: act("place", at(5, 2, 1), item="sand")}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 4
        blocks = run.final["blocks"]
        assert [blocks[key(p)] for p in (at(2, 2), at(2, 2, 1), at(2, 2, 2))] == \
            ["white_carpet", "air", "air"]
        assert [blocks[key(p)] for p in (at(3, 3), at(3, 3, 1), at(3, 3, 2))] == \
            ["chest", "air", "air"]
        assert [blocks[key(p)] for p in (at(1, 4), at(1, 4, 1))] == ["cobweb", "sand"]
        assert [blocks[key(p)] for p in (at(5, 2), at(5, 2, 1))] == ["sand", "air"]
        assert run.final["chests"] == {key(at(3, 3)): {"apple": 1}}


# -- concrete powder and water ------------------------------------------------------------------

def test_concrete_powder_placed_beside_water_turns_to_concrete(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ConcretePowderBlock.getStateForPlacement (1.19.2): `shouldSolidify(level, pos, state) ?
    # this.concrete.defaultBlockState() : super.getStateForPlacement(ctx)`, touchesLiquid
    # looking at the six neighbours; minecraft.wiki/w/Concrete_Powder: "Concrete powder
    # turns into concrete when it comes into contact with water ... placing it adjacent to
    # water". Placed on the ground (no fall) east of a water source: concrete at once; the
    # same placed beside a waterlogged bottom slab (half a face toward it): concrete.
    world = WorldSetup(blocks=[spec(at(2, 2), "water"),
                               spec(at(4, 2), "smooth_stone_slab", type="bottom",
                                    waterlogged=True),
                               # set by the world beside water: /setblock shapes the set block
                               # from its neighbours (BlockInput.place ->
                               # Block.updateFromNeighbourShapes -> ConcretePowderBlock
                               # .updateShape: touchesLiquid ? concrete), and water set next to
                               # powder updates the powder's shape the same way
                               spec(at(3, 4), "white_concrete_powder"),
                               spec(at(4, 4), "water")],
                       spawn=SPAWN, agent_items={"white_concrete_powder": 2})
    rounds = [{A: act("place", at(1, 2), item="white_concrete_powder"),
               B: act("place", at(5, 2), item="white_concrete_powder")}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 2
        blocks = run.final["blocks"]
        assert {"by_water": blocks[key(at(1, 2))], "by_slab": blocks[key(at(5, 2))],
                "set_by_world": blocks[key(at(3, 4))]} == {
            "by_water": "white_concrete", "by_slab": "white_concrete",
            "set_by_world": "white_concrete"}


def test_concrete_powder_landing_beside_a_waterlogged_full_face_stays_powder(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ConcretePowderBlock.touchesLiquid (1.19.2): a neighbour counts only if its fluid is water
    # AND its face toward the powder is not sturdy: `canSolidify(blockstate) &&
    # !blockstate.isFaceSturdy(level, pos, direction.getOpposite())`; onLand calls
    # shouldSolidify -> touchesLiquid. A waterlogged stair facing east has a full east face
    # (its back) and a half-high west face (its front). Powder falling two cells to land on
    # the stair's east stays powder; powder landing on its west turns to concrete.
    world = WorldSetup(
        blocks=[spec(at(2, 2), "oak_stairs", facing="east", half="bottom", shape="straight",
                     waterlogged=True),
                *pillar(4, 2, 3), *pillar(1, 3, 3), *pillar(2, 1, 3)],
        spawn=SPAWN, agent_items={"white_concrete_powder": 3})
    # Round 3: powder falling onto the stair's top lands in the cell above it. The DOWN
    # neighbour is looked at only when the powder's own cell holds water (`direction !=
    # Direction.DOWN || canSolidify(blockstate)`, blockstate being the powder's own cell):
    # water below does not turn it.
    rounds = [{B: act("place", at(3, 2, 2), item="white_concrete_powder")},
              {A: act("place", at(1, 2, 2), item="white_concrete_powder")},
              {A: act("place", at(2, 2, 2), item="white_concrete_powder")}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 3
        blocks = run.final["blocks"]
        assert {"front": blocks[key(at(1, 2))], "back": blocks[key(at(3, 2))],
                "top": blocks[key(at(2, 2, 1))]} == {
            "front": "white_concrete", "back": "white_concrete_powder",
            "top": "white_concrete_powder"}


# -- doors and trapdoors -----------------------------------------------------------------------

def test_a_door_opens_both_halves_and_breaks_to_one_item_and_iron_stays_shut(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # DoorBlock.use: a wooden door toggles `open` on both halves; an iron door (Material.METAL)
    # is not opened by hand (minecraft.wiki/w/Iron_Door: "can't be opened by hand").
    # Breaking the lower half breaks the upper one and drops one door
    # (minecraft.wiki/w/Door: "Breaking either half of the door causes the whole door to
    # break, dropping itself as an item"). TrapDoorBlock.use: a wooden trapdoor opens.
    world = WorldSetup(blocks=[spec(at(4, 2), "iron_door", facing="north", half="lower"),
                               spec(at(4, 2, 1), "iron_door", facing="north", half="upper")],
                       spawn=SPAWN, agent_items={"oak_door": 1, "oak_trapdoor": 1})
    door, trap = at(1, 2), at(3, 2)
    rounds = [{A: act("place", door, item="oak_door"),
               B: act("place", trap, item="oak_trapdoor")},
              {A: act("activate", door), B: act("activate", trap)},
              {A: act("activate", at(1, 2, 1)), B: act("activate", at(4, 2))},
              {A: act("dig", door)}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.ok, v.code) for v in run.verdicts] == [
            (True, None), (True, None), (True, None), (True, None),
            (True, None), (False, Code.POWERED_ONLY.value), (True, None)]
        assert run.final["blocks"][key(door)] == "air"
        assert run.final["blocks"][key(at(1, 2, 1))] == "air"
        assert run.final["states"][key(trap)]["open"] == "true"
        assert run.final["states"][key(at(4, 2))]["open"] == "false"
        assert run.final["inventories"][A] == {"oak_door": 1, "oak_trapdoor": 1}


# -- item tags ---------------------------------------------------------------------------------

def test_one_plank_of_each_of_two_woods_make_sticks_and_mixed_slabs_a_barrel(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # data/minecraft/recipes/stick.json: two #minecraft:planks; barrel.json: 6 #planks and 2
    # #wooden_slabs (any woods, mixed: a tag matches each cell on its own).
    world = WorldSetup(blocks=[spec(at(2, 1), "crafting_table")], spawn=SPAWN,
                       agent_items={"oak_planks": 4, "birch_planks": 4, "oak_slab": 1,
                                    "spruce_slab": 1})
    rounds = [{A: {"name": "craft", "item": "stick", "times": 1},
               B: {"name": "craft", "item": "barrel", "times": 1,
                  "table": list(at(2, 1))}}]
    # A: 1 oak + 1 birch would do; the project spends 2 of one wood first (documented).
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True, True], [v.reason for v in run.verdicts]
        inv = run.final["inventories"][B]
        assert inv["barrel"] == 1
        assert inv.get("oak_planks", 0) + inv.get("birch_planks", 0) == 2
        assert "oak_slab" not in inv and "spruce_slab" not in inv
        assert run.final["inventories"][A]["stick"] == 4


# -- fuels and shared stations -----------------------------------------------------------------

def test_lava_in_a_smoker_keeps_it_lit_for_another_player_and_sticks_in_a_blast_furnace(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # AbstractFurnaceBlockEntity.getFuel: lava bucket 20000 ticks, stick 100; a smoker and a
    # blast furnace burn fuel twice as fast (SmokerBlockEntity/BlastFurnaceBlockEntity
    # .getBurnDuration = super / 2) and cook in 100 ticks. One stick (50 ticks there) does not
    # finish one raw iron: two do. The lava bucket's remainder, an empty bucket, is left in
    # the fuel slot (serverTick: `item.getCraftingRemainingItem()`); the project's smelt takes
    # the station's output back, so the bucket must not vanish. B then cooks in A's lit
    # smoker with no fuel held: the fire is the station's, not the player's.
    smoker, blast = at(1, 2), at(4, 2)
    world = WorldSetup(blocks=[spec(smoker, "smoker", facing="south"),
                               spec(blast, "blast_furnace", facing="south")],
                       spawn=SPAWN, agent_items={"beef": 1, "raw_iron": 1, "lava_bucket": 1,
                                                 "stick": 1})
    rounds = [{A: {"name": "smelt", "furnace": list(smoker), "item": "beef", "count": 1,
                   "fuel": "lava_bucket"},
               B: {"name": "smelt", "furnace": list(blast), "item": "raw_iron", "count": 1,
                   "fuel": "stick"}},
              {B: {"name": "smelt", "furnace": list(smoker), "item": "beef", "count": 1,
                   "fuel": "coal"}}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [(v.agent, v.ok) for v in run.verdicts] == [(A, True), (B, False), (B, True)], \
            [v.reason for v in run.verdicts]
        assert run.final["inventories"][B] == {"cooked_beef": 1, "lava_bucket": 1,
                                               "raw_iron": 1, "stick": 1}
        assert run.final["inventories"][A] == {"bucket": 1, "cooked_beef": 1,
                                               "raw_iron": 1, "stick": 1}


# -- a chest between two chests, an anvil's facing ------------------------------------------

def test_a_chest_between_two_single_chests_joins_the_one_on_its_clockwise_side(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ChestBlock.getStateForPlacement (not sneaking): `if (direction ==
    # candidatePartnerFacing(ctx, direction.getClockWise())) type = LEFT; else if (...
    # getCounterClockWise()) type = RIGHT`: the clockwise side is tried first. A chest
    # facing north between two single chests facing north joins the east one (north's
    # clockwise side): it is the left half, the east one the right half, the west one single.
    world = WorldSetup(containers=[ContainerSpec(pos=at(0, 2), facing="north"),
                                   ContainerSpec(pos=at(2, 2), facing="north")],
                       spawn=SPAWN, agent_items={"chest": 1})
    sim, srv = both(backend, rules, world, [{A: act("place", at(1, 2), item="chest")}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True]
        assert block(run, at(1, 2)) == want("chest", facing="north", type="left")
        assert block(run, at(2, 2)) == want("chest", facing="north", type="right")
        assert block(run, at(0, 2)) == want("chest", facing="north", type="single")


def test_an_anvil_faces_the_players_clockwise_side(backend: MinecraftBackend,
                                                    rules: Rulebook) -> None:
    # AnvilBlock.getStateForPlacement: FACING = ctx.getHorizontalDirection().getClockWise().
    # A at (0, 0) places at (0, 2), looking south: the anvil faces west.
    world = WorldSetup(spawn=SPAWN, agent_items={"anvil": 1})
    sim, srv = both(backend, rules, world, [{A: act("place", at(0, 2), item="anvil")}])
    for run in (sim, srv):
        assert block(run, at(0, 2)) == want("anvil", facing="west")


# -- loot by hand ------------------------------------------------------------------------------

def test_glass_panes_and_a_snow_block_by_hand_drop_nothing_bookshelf_and_clay_do(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # Loot tables of 1.19.2 (minecraft.wiki/w/Glass, /w/Glass_Pane: "drops nothing unless
    # Silk Touch"; /w/Snow_Block: needs a shovel, requiresCorrectToolForDrops; /w/Bookshelf:
    # 3 books; /w/Clay: 4 clay balls). No player holds a tool.
    world = WorldSetup(blocks=[spec(at(1, 2), "glass"), spec(at(0, 2), "glass_pane"),
                               spec(at(1, 1), "snow_block"),
                               spec(at(3, 2), "bookshelf"), spec(at(4, 2), "clay")],
                       spawn=SPAWN)
    rounds = [{A: act("dig", at(1, 2)), B: act("dig", at(3, 2))},
              {A: act("dig", at(0, 2)), B: act("dig", at(4, 2))},
              {A: act("dig", at(1, 1))}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 5, [v.reason for v in run.verdicts]
        assert run.final["inventories"] == {A: {}, B: {"book": 3, "clay_ball": 4}}


# -- falling blocks and their neighbours -------------------------------------------------------

def test_fences_beside_falling_sand_follow_it(backend: MinecraftBackend,
                                              rules: Rulebook) -> None:
    # A falling block leaves its cell for air and is set where it lands by Level.setBlock,
    # which updates the neighbours' shapes (BlockStateBase.updateNeighbourShapes ->
    # FenceBlock.updateShape): a fence beside the cell the sand left parts from it, a fence
    # beside the cell where it lands joins it (sand is a full, sturdy block:
    # minecraft.wiki/w/Fence#Block_states). A places sand at (2, 2, 2), beside a stone pillar
    # on its west; the fence on the pillar south of that cell joined it when it was placed,
    # and the fence at the ground north of where it lands joins it then.
    world = WorldSetup(blocks=[*pillar(1, 2, 3), *pillar(2, 3, 2),
                               spec(at(2, 3, 2), "oak_fence"), spec(at(2, 1), "oak_fence")],
                       spawn=SPAWN, agent_items={"sand": 1})
    sim, srv = both(backend, rules, world, [{A: act("place", at(2, 2, 2), item="sand")}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True]
        assert run.final["blocks"][key(at(2, 2))] == "sand"
        states = run.final["states"]
        assert {"high_fence_north": states[key(at(2, 3, 2))]["north"],
                "low_fence_south": states[key(at(2, 1))]["south"]} == {
            "high_fence_north": "false", "low_fence_south": "true"}


def test_sand_on_a_door_falls_when_the_door_is_broken(backend: MinecraftBackend,
                                                      rules: Rulebook) -> None:
    # Sand set on top of a door's upper half stays (a door is not free: FallingBlock.isFree).
    # Breaking the door's lower half removes the upper half too (DoorBlock.updateShape: the
    # other half gone -> air; minecraft.wiki/w/Door), and the sand above the upper half, its
    # cell below now air, falls to the ground (FallingBlock.updateShape schedules the fall
    # when the block below changes). The player gets one door.
    world = WorldSetup(blocks=[spec(at(1, 2), "oak_door", half="lower", facing="north"),
                               spec(at(1, 2, 1), "oak_door", half="upper", facing="north"),
                               spec(at(1, 2, 2), "sand"), *pillar(0, 2, 3)],
                       spawn=SPAWN)
    sim, srv = both(backend, rules, world, [{A: act("dig", at(1, 2))}])
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True]
        blocks = run.final["blocks"]
        assert [blocks[key(at(1, 2, dy))] for dy in range(3)] == ["sand", "air", "air"]
        assert run.final["inventories"][A] == {"oak_door": 1}


# -- a chest facing up ---------------------------------------------------------------------------

def test_a_chest_facing_up_is_refused_by_both_backends_in_one_line(
        backend: MinecraftBackend, rules: Rulebook) -> None:
    # ChestBlock.FACING is HorizontalDirectionalBlock.FACING (north, south, west, east):
    # minecraft.wiki/w/Chest#Block_states; the game refuses `/setblock ~ ~ ~ chest[facing=up]`
    # ("Block minecraft:chest does not accept 'up' for facing property"). Neither backend
    # builds such a world; both say why in the same line.
    world = WorldSetup(containers=[ContainerSpec(pos=at(1, 2), facing="up",
                                                 items={"apple": 1})],
                       spawn=SPAWN)
    line = f"chest's facing cannot be 'up' (east, north, south, west) at {at(1, 2)}"
    with pytest.raises(ValueError, match=re.escape(line)):
        SimBackend(rules).build(world, [A, B])
    with pytest.raises(MinecraftError, match=re.escape(line)):
        backend.build(world, [A, B])


# -- what stands on what -------------------------------------------------------------------------

def test_torches_and_doors_stand_only_where_vanilla_lets_them(backend: MinecraftBackend,
                                                              rules: Rulebook) -> None:
    # TorchBlock.canSurvive: canSupportCenter(level, below, UP): the centre of the top face
    # of the block below: a fence's or a pane's post holds a torch; a bottom slab's top (at
    # half height) and a chest's (14/16) do not (minecraft.wiki/w/Torch: "can be placed on
    # ... fences, walls, glass panes"; not on a bottom slab). DoorBlock.canSurvive: the
    # block below has a sturdy top face (isFaceSturdy UP): glass yes, a fence or a bottom
    # slab no (minecraft.wiki/w/Door: "requires a solid block beneath").
    world = WorldSetup(blocks=[spec(at(1, 2), "oak_fence"), spec(at(0, 3), "glass_pane"),
                               spec(at(4, 2), "smooth_stone_slab", type="bottom"),
                               spec(at(2, 3), "smooth_stone_slab", type="bottom"),
                               spec(at(5, 3), "glass"), spec(at(0, 1), "oak_fence")],
                       containers=[ContainerSpec(pos=at(5, 2), facing="north")],
                       spawn=SPAWN, agent_items={"torch": 2, "oak_door": 2})
    rounds = [{A: act("place", at(1, 2, 1), item="torch"),
               B: act("place", at(4, 2, 1), item="torch")},
              {A: act("place", at(0, 3, 1), item="torch"),
               B: act("place", at(5, 2, 1), item="torch")},
              {A: act("place", at(2, 3, 1), item="oak_door"),
               B: act("place", at(5, 3, 1), item="oak_door")},
              {A: act("place", at(0, 1, 1), item="oak_door")}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        got = {f"{v.agent[-3:]}:{v.round}": v.code for v in run.verdicts}
        assert got == {"ann:0": None, "ben:0": Code.NEEDS_SUPPORT.value,
                       "ann:1": None, "ben:1": Code.NEEDS_SUPPORT.value,
                       "ann:2": Code.NEEDS_SUPPORT.value, "ben:2": None,
                       "ann:3": Code.NEEDS_SUPPORT.value}


# -- redstone conductors -----------------------------------------------------------------------

CONDUCTION = [
    # Blocks.java 1.19.2: SOUL_SAND and MUD are `.isRedstoneConductor(Blocks::always)`,
    # though their collision boxes are 14/16 and 15/16 high
    ("soul_sand", "mud", ("true", "true")),
    # the default isRedstoneConductor, `material.isSolidBlocking() &&
    # isCollisionShapeFullBlock`: SLIME_BLOCK (Material.CLAY) and SPAWNER (Material.STONE)
    # are full cubes of solid-blocking materials, though see-through (noOcclusion is about
    # light, not power)
    ("slime_block", "spawner", ("true", "true")),
    # SEA_LANTERN and GLOWSTONE are Material.GLASS, built notSolidBlocking(): no conductors;
    # a jack o'lantern (Material.VEGETABLE) and stone are
    ("sea_lantern", "jack_o_lantern", ("false", "true")),
    ("glowstone", "stone", ("false", "true")),
]


@pytest.mark.parametrize(("first", "second", "lit"), CONDUCTION,
                         ids=[f"{a}-{b}" for a, b, _ in CONDUCTION])
def test_a_lever_on_a_block_lights_the_lamp_beside_it_when_the_block_conducts(
        first: str, second: str, lit: tuple[str, str], backend: MinecraftBackend,
        rules: Rulebook) -> None:
    # A lever strongly powers the block it stands on (LeverBlock.getDirectSignal); a
    # conductor strongly powered powers the lamps beside it (minecraft.wiki/w/
    # Redstone_mechanics, "Power"; /w/Conductivity). A and B each pull one lever.
    world = WorldSetup(blocks=[
        spec(at(2, 2), first),
        spec(at(2, 2, 1), "lever", face="floor", facing="north", powered=False),
        spec(at(3, 2), "redstone_lamp", lit=False),
        spec(at(4, 4), second),
        spec(at(4, 4, 1), "lever", face="floor", facing="north", powered=False),
        spec(at(5, 4), "redstone_lamp", lit=False)],
        spawn=SPAWN)
    rounds = [{A: act("activate", at(2, 2, 1)), B: act("activate", at(4, 4, 1))}]
    sim, srv = both(backend, rules, world, rounds)
    for run in (sim, srv):
        assert [v.ok for v in run.verdicts] == [True] * 2, [v.reason for v in run.verdicts]
        states = run.final["states"]
        assert (states[key(at(3, 2))]["lit"], states[key(at(5, 4))]["lit"]) == lit
