'use strict'
// Crops: breaking wheat, carrots, potatoes, beetroots, sugar cane, mushrooms, pumpkins or cactus
// in survival puts their block loot (env/data/loot.json, as the simulator reads it) straight
// into the breaker's inventory: e.g. mature wheat gives 1 wheat and 2 wheat_seeds, unripe wheat
// 1 wheat_seeds. Breaking a sugar cane or cactus also breaks the stalk above it, block by block.
// Event: serv.on('cropHarvested', ({ player, position, name, drops }) => ...).

const { guarded, giveItem } = require('../blockstate')
const loot = require('../../js/loot')

const CROPS = new Set([
  'wheat', 'carrots', 'potatoes', 'beetroots', 'sugar_cane', 'brown_mushroom', 'red_mushroom',
  'pumpkin', 'cactus'
])
const STALKS = new Set(['sugar_cane', 'cactus'])

module.exports.server = () => {}

module.exports.player = (player, serv) => {
  player.on('dug', guarded('harvesting a crop', async (data, cancelled) => {
    const block = data.block
    if (cancelled || !data.dropBlock || !CROPS.has(block.name)) return
    data.dropBlock = false // this plugin hands the items over itself
    let blocks = 1
    if (STALKS.has(block.name)) {
      for (let y = 1; ; y++) {
        const above = data.position.offset(0, y, 0)
        if ((await player.world.getBlock(above)).name !== block.name) break
        blocks++
        setImmediate(() => serv.setBlock(player.world, above, 0))
      }
    }
    const age = Number(block.getProperties().age ?? Infinity)
    const props = block.getProperties()
    const counts = new Map() // each block of a stalk rolls its own loot
    for (let i = 0; i < blocks; i++) {
      for (const [item, n] of loot.drops(block.name, new Set(), Number.isFinite(age) ? age : undefined,
        Math.random, props)) counts.set(item, (counts.get(item) ?? 0) + n)
    }
    const drops = [...counts.entries()]
    for (const [item, count] of drops) giveItem(serv, player, item, count)
    serv.emit('cropHarvested', { player, position: data.position, name: block.name, drops })
  }))
}
