"""The Judger's policies: actions the game allows but the Judger refuses, so that a worker does
not waste what the task needs. A policy refusal is the Judger's, not the game's: the backends
run such an action as vanilla does (the differential test compares them without policies).

- A crop is dug only when ripe (`not_ripe`). Vanilla breaks a crop at any age
  (minecraft.wiki/w/Crops), but an unripe one drops only what its loot table gives at that age
  (wheat and beetroots one seed, carrots and potatoes one of themselves: env/data/loot.json), and
  the plan counts on a ripe harvest (the `mine:` rules' least counts). The ripe age is the
  greatest `age` of the block (env/data/crops.json, `Rulebook.ripe_age`). A crop set with
  no `age` is at the game's default age, 0 (`env.block_states.full_state`).
"""

from __future__ import annotations

from env.actions import Action, Dig
from env.block_states import unripe
from env.refusals import Code, Refusal, refuse
from env.rulebook import Rulebook
from env.world import WorldView


def policy_refusal(action: Action, view: WorldView, agent: str,
                   rules: Rulebook) -> Refusal | None:
    """The Judger's refusal of `agent`'s `action` in the world `view` shows, beyond the game's
    rules (`Action.check`): a dig of a crop that is not ripe (Code.NOT_RIPE, with the block,
    its pos, its age and the ripe age). None when no policy stands in the way."""
    if isinstance(action, Dig):
        block = view.block(action.pos)
        young = unripe(block, rules)
        if young is not None:
            return refuse(Code.NOT_RIPE, block=block.name, pos=action.pos, age=young[0],
                          max_age=young[1])
    return None
