'use strict'
// Support: a block that cannot float stands only on what holds it, as vanilla 1.19.2 rules it
// (env/data/support.json through env/js/support.js, the rules the simulator reads): a crop only
// on farmland, a flower on dirt or grass, a torch on a block's top or side, a ladder, lever or
// button on a sturdy face, a rail, plate or door on a block, a carpet on anything. A click that
// would place one without its support places nothing (the item stays in the hand). The click
// also says where a lever or button hangs (its `face`: the top of a block is the floor, its
// bottom the ceiling, a side the wall) and which way a ladder faces (away from the clicked
// block), as vanilla's placement does. When a player breaks a block, whatever it held pops off
// (cascading: the upper half of a door or tall flower goes with the lower) and its loot
// (env/data/loot.json) goes to that player, as drops.js hands over what a player breaks.
// Event: serv.on('blockPopped', ({ player, position, name, drops }) => ...).

const { Vec3 } = require('vec3')
const { guarded, giveItem, describeState, stateIdOf } = require('../blockstate')
const support = require('../../js/support')
const loot = require('../../js/loot')

// flying-squid's block_place directions: 0 down, 1 up, 2 north, 3 south, 4 west, 5 east
const FACING = [null, null, 'north', 'south', 'west', 'east']
const AIR = { name: 'air', props: {}, shapes: [] }

// The blocks within `r` of each of `cells` as env/js/support.js reads them, read ahead (the
// world is read asynchronously, the rules synchronously).
async function around (world, cells, r, into = new Map()) {
  for (const [x, y, z] of cells) {
    for (let dx = -r; dx <= r; dx++) {
      for (let dy = -r; dy <= r; dy++) {
        for (let dz = -r; dz <= r; dz++) {
          const key = `${x + dx},${y + dy},${z + dz}`
          if (into.has(key)) continue
          const b = await world.getBlock(new Vec3(x + dx, y + dy, z + dz))
          into.set(key, b ? { name: b.name, props: b.getProperties(), shapes: b.shapes } : AIR)
        }
      }
    }
  }
  return into
}

function reader (cache) {
  return p => cache.get(p.join(',')) || AIR
}

module.exports.server = (serv) => {
  const registry = serv.registry
  const inner = serv.placeItem
  serv.placeItem = async (data) => {
    const out = await inner(data)
    const block = out && out.id !== undefined ? registry.blocks[out.id] : null
    if (!block) return out
    const { name, properties } = describeState(registry, block.minStateId + (out.data || 0))
    const rule = support.ruleFor(name)
    if (!rule) return out
    let props = properties
    const dir = data.direction
    if (rule.side === 'face') {
      const face = dir === 0 ? 'ceiling' : dir === 1 ? 'floor' : 'wall'
      props = { ...props, face, ...(face === 'wall' ? { facing: FACING[dir] } : {}) }
    } else if (rule.side === 'behind' && FACING[dir]) {
      props = { ...props, facing: FACING[dir] }
    }
    const p = data.placedPosition
    const pos = [p.x, p.y, p.z]
    const cache = await around(data.player.world, [pos], 1)
    if (!support.supported(name, props, pos, reader(cache))) return {}
    return { id: block.id, data: stateIdOf(registry, name, props) - block.minStateId }
  }
}

module.exports.player = (player, serv) => {
  player.on('dug', guarded('popping what a broken block held', async (data, cancelled) => {
    if (cancelled) return
    const world = player.world
    const dug = [data.position.x, data.position.y, data.position.z]
    const cache = await around(world, [dug], 2)
    // Read ahead as the cascade spreads, then let the rules find what falls.
    let pops = support.popped(dug, reader(cache))
    let seen = 0
    while (pops.length > seen) {
      await around(world, pops.slice(seen), 2, cache)
      seen = pops.length
      pops = support.popped(dug, reader(cache))
    }
    for (const cell of pops) {
      const b = cache.get(cell.join(','))
      const position = new Vec3(...cell)
      setImmediate(() => serv.setBlock(world, position, 0))
      if (String(b.props.half ?? '') === 'upper') continue // the lower half's loot is the block's
      const age = b.props.age !== undefined ? Number(b.props.age) : undefined
      const drops = player.gameMode === 0 ? loot.drops(b.name, new Set(), age, Math.random, b.props) : []
      for (const [item, count] of drops) giveItem(serv, player, item, count)
      serv.emit('blockPopped', { player, position, name: b.name, drops })
    }
  }))
}
