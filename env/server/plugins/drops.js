'use strict'
// Drops: whatever a player breaks in survival goes straight into that player's inventory, as
// vanilla 1.19.2's block loot table gives it (env/data/loot.json through env/js/loot.js, which
// the simulator reads too): glass and ice by hand drop nothing, leaves by hand no leaves and a
// sapling, stick or apple only by chance, shears in hand count; counts are rolled between
// their least and most (2-5 raw copper from copper ore), a double slab gives 2. Otherwise the items fly out as
// entities and the nearest player picks them up, which is not always the one who dug. A block
// that needs a tool the player does not hold drops nothing. Crops are crops.js's (it runs
// first and takes them over).
// Event: serv.on('blockDropped', ({ player, position, name, drops }) => ...).

const { guarded, giveItem } = require('../blockstate')
const loot = require('../../js/loot')

module.exports.server = () => {}

module.exports.player = (player, serv) => {
  const registry = serv.registry

  player.on('dug', guarded('handing over a block\'s drops', async (data, cancelled) => {
    if (cancelled || !data.dropBlock) return
    const block = data.block
    data.dropBlock = false
    const info = registry.blocksByName[block.name]
    const held = player.inventory && player.inventory.slots[36 + (player.heldItemSlot || 0)]
    if (info && info.harvestTools && (!held || !info.harvestTools[held.type])) return
    const tools = new Set(held && held.name === 'shears' ? ['shears'] : [])
    if (held && held.name.endsWith('_pickaxe')) tools.add('pickaxe')
    const age = block.getProperties().age
    const drops = loot.drops(block.name, tools, age !== undefined ? Number(age) : undefined,
      Math.random, block.getProperties())
    for (const [item, count] of drops) giveItem(serv, player, item, count)
    serv.emit('blockDropped', { player, position: data.position, name: block.name, drops })
  }))
}
