'use strict'
// Drops: whatever a player breaks in survival goes straight into that player's inventory,
// counted as the rulebook counts it (env/rulebook.py _drop_rules: every likely drop at its
// smallest stack; a block with no loot entry drops itself), as the simulator does. Otherwise
// the items fly out as entities and the nearest player picks them up, which is not always the
// one who dug. A block that needs a tool the player does not hold drops nothing. Crops are
// crops.js's (it runs first and takes them over).
// Event: serv.on('blockDropped', ({ player, position, name, drops }) => ...).

const { guarded, deterministicDrops, giveItem } = require('../blockstate')

module.exports.server = () => {}

module.exports.player = (player, serv) => {
  const registry = serv.registry

  player.on('dug', guarded('handing over a block\'s drops', async (data, cancelled) => {
    if (cancelled || !data.dropBlock) return
    const block = data.block
    data.dropBlock = false
    const info = registry.blocksByName[block.name]
    if (info && info.harvestTools) {
      const held = player.inventory && player.inventory.slots[36 + (player.heldItemSlot || 0)]
      if (!held || !info.harvestTools[held.type]) return
    }
    let drops = deterministicDrops(registry.blockLoot[block.name])
    if (!registry.blockLoot[block.name] && registry.itemsByName[block.name]) drops = [[block.name, 1]]
    for (const [item, count] of drops) giveItem(serv, player, item, count)
    serv.emit('blockDropped', { player, position: data.position, name: block.name, drops })
  }))
}
