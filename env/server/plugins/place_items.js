'use strict'
// Blocks placed with an item of another name, as vanilla places them: seeds plant their crop
// (wheat_seeds -> wheat, carrot -> carrots), a torch, banner, head or coral fan put against
// the side of a block becomes its wall variant facing away from that block, string makes
// tripwire, sweet berries a bush, a bucket empties its fluid and leaves the empty bucket.
// The table is env/data/block_items.json (the one the Python side reads). Items flying-squid
// already places itself (redstone, redstone torches, signs, flint and steel) are left to it,
// and so are placements that take more than the held item (a potted plant).
// Event: none; flying-squid sets the block and takes one item from the hand.

const path = require('path')
const { guarded, giveItem } = require('../blockstate')

const TABLE = require(path.join(__dirname, '..', '..', 'data', 'block_items.json')).blocks
const LEFT_TO_FLYING_SQUID = /^(redstone|redstone_torch|flint_and_steel|.*_sign)$/
// flying-squid's block_place directions: 0 down, 1 up, 2 north, 3 south, 4 west, 5 east
const FACING = [null, null, 'north', 'south', 'west', 'east']

// item -> { floor, wall, leaves }: the block it makes on top of a block and against a side.
function placements (registry) {
  const out = {}
  for (const [block, how] of Object.entries(TABLE)) {
    if (!how.item || how.kept || how.extra || LEFT_TO_FLYING_SQUID.test(how.item)) continue
    if (!registry.blocksByName[block] || !registry.itemsByName[how.item]) continue
    const entry = out[how.item] || (out[how.item] = { floor: null, wall: null, leaves: how.leaves || null })
    if (block.includes('wall_')) entry.wall = entry.wall || block
    else if (block === how.item || !entry.floor || rank(block) < rank(entry.floor)) entry.floor = block
  }
  // only items whose block has another name, or that have a wall variant
  return Object.fromEntries(Object.entries(out).filter(([item, e]) => e.wall || (e.floor && e.floor !== item)))
}

// Of several blocks one item makes, the one it makes when placed: the block of its own name,
// else a young plant rather than a grown part (melon_stem, not attached_melon_stem;
// cave_vines, not cave_vines_plant).
function rank (block) {
  return block.startsWith('attached_') || block.endsWith('_plant') ? 1 : 0
}

module.exports.server = (serv) => {
  const registry = serv.registry
  for (const [item, how] of Object.entries(placements(registry))) {
    serv.onItemPlace(item, guarded(`placing ${item}`, ({ player, direction, properties }) => {
      const side = direction >= 2 && how.wall
      const name = side ? how.wall : how.floor
      if (!name) return {}
      const block = registry.blocksByName[name]
      const props = side ? { ...properties, facing: FACING[direction] } : properties
      const data = block.states && block.states.length
        ? serv.setBlockDataProperties(block.defaultState - block.minStateId, block.states, props)
        : 0
      if (how.leaves && player.gameMode === 0) {
        for (const [left, n] of Object.entries(how.leaves)) setImmediate(() => giveItem(serv, player, left, n))
      }
      return { id: block.id, data }
    }, {}), false)
  }
}

module.exports.placements = placements
