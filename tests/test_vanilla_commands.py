"""The Minecraft backend sets the world up with vanilla commands only (`/setblock`, `/fill`,
`/data merge block`, `/item replace`, `/give`, `/summon`, `/gamerule`, `/tp`), so the same
code drives a vanilla or Paper 1.19.2 server; chests are read through the protocol."""

from __future__ import annotations

import re
from pathlib import Path

from env.minecraft.backend import (
    VANILLA_COMMANDS,
    container_nbt,
    effect_commands,
    setup_commands,
    stack_sizes,
)
from env.world import ContainerSpec, EntitySpec, Trigger, WorldSetup
from env.world import Effect as TriggerEffect

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "env" / "minecraft").glob("*.py")) + sorted(
    (ROOT / "env" / "js").glob("*.js"))
# A command in a string literal: a quote or backtick, a slash, the command word.
COMMAND = re.compile(r"""["'`]/([a-z_]+)(?=[ "'`$])""")
READ_ONLY_EXCEPTIONS = {"blockstate"}
"""Not vanilla, still sent: `/blockstate` reads a block no bot has loaded (the embedded
server's own command; a vanilla server never gets it while the bots see the task area)."""


def commands_in_sources() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        for word in COMMAND.findall(path.read_text()):
            found.setdefault(word, set()).add(path.name)
    return found


def test_the_backend_sends_no_command_outside_the_vanilla_list() -> None:
    found = commands_in_sources()
    assert set(found) - set(VANILLA_COMMANDS) == READ_ONLY_EXCEPTIONS, found
    assert not {"chestput", "chestget", "chestclear"} & set(found)


def test_world_setup_and_trigger_effects_are_vanilla_commands() -> None:
    world = WorldSetup(
        blocks=[], spawn=[(0, -60, 0)], agent_items={"coal": 2},
        containers=[ContainerSpec(pos=(1, -60, 2), items={"egg": 20, "milk_bucket": 2}),
                    ContainerSpec(pos=(4, -60, 2), kind="barrel", items={})],
        entities=[EntitySpec(type="rabbit", pos=(3.5, -60, 3.5))],
        triggers=[])
    lines = setup_commands(world, ["a1"])
    assert lines == [
        "/setblock 1 -60 2 chest[facing=north]",
        '/data merge block 1 -60 2 {Items:[{Slot:0b,id:"minecraft:egg",Count:16b},'
        '{Slot:1b,id:"minecraft:egg",Count:4b},{Slot:2b,id:"minecraft:milk_bucket",Count:1b},'
        '{Slot:3b,id:"minecraft:milk_bucket",Count:1b}]}',
        "/setblock 4 -60 2 barrel",
        "/data merge block 4 -60 2 {Items:[]}",
        "/summon rabbit 3.5 -60.0 3.5",
        "/give a1 coal 2",
    ]
    trig = Trigger(id="t", conditions=[], effects=[
        TriggerEffect(kind="set_block", pos=(5, -60, 0), block="air"),
        TriggerEffect(kind="give", pos=(0, -60, 0), item="emerald", count=1),
        TriggerEffect(kind="teleport", pos=(0, -60, 0), to=(9, -60, 9))])
    lines += effect_commands(trig, {"a1": (0.5, -60.0, 0.5)})
    assert {line.split()[0].lstrip("/") for line in lines} <= set(VANILLA_COMMANDS)


def test_stack_sizes_come_from_minecraft_data() -> None:
    sizes = stack_sizes()
    # minecraft-data 1.19.2 items.json: eggs stack to 16, buckets of milk and cakes to 1.
    assert (sizes["bread"], sizes["egg"], sizes["milk_bucket"], sizes["cake"]) == (64, 16, 1, 1)
    try:
        container_nbt({"cake": 28})
    except ValueError as err:
        assert str(err) == "a chest holds 27 stacks; {'cake': 28} needs 28"
    else:
        raise AssertionError("28 cakes fit in a chest")
