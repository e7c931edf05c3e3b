'use strict'
// Fences, fence gates beside walls, glass panes, iron bars and walls join their neighbours as
// vanilla 1.19.2 does (env/js/connections.js, the rule the simulator reads too): every block
// change (a placement, a /setblock or /fill, a trigger's block, a dig) re-derives the changed
// block's own connections and those of the blocks beside and below it, as the game's
// updateFromNeighbourShapes and neighbour shape updates do. flying-squid leaves every fence
// unconnected. Wraps serv.setBlock (the changes it makes go to the setBlock it wrapped) and
// player.changeBlock (flying-squid's digging).
// Event: none.

const { Vec3 } = require('vec3')
const { reconnected } = require('../../js/connections')
const { stateIdOf } = require('../blockstate')

module.exports.server = (serv) => {
  const registry = serv.registry
  const Block = require('prismarine-block')(registry)
  const inner = serv.setBlock
  const fact = b => (b ? { name: b.name, props: b.getProperties(), shapes: b.shapes } : { name: 'air', props: {}, shapes: [] })
  const shapesOf = (name, props) => Block.fromStateId(stateIdOf(registry, name, props), 0).shapes

  // The rule reads the world synchronously: read what it asks for, and run it again until it
  // asked for nothing it had not read.
  async function reconnect (world, position) {
    const pos = [position.x, position.y, position.z]
    const known = new Map()
    for (;;) {
      const missing = new Set()
      const blockAt = p => {
        const k = p.join(',')
        if (!known.has(k)) missing.add(k)
        return known.get(k) || { name: 'air', props: {}, shapes: [] }
      }
      const changes = reconnected(pos, blockAt, shapesOf)
      if (missing.size === 0) {
        for (const [cell, name, props] of changes) await inner(world, new Vec3(...cell), stateIdOf(registry, name, props))
        return
      }
      for (const k of missing) known.set(k, fact(await world.getBlock(new Vec3(...k.split(',').map(Number)))))
    }
  }
  serv.reconnect = reconnect

  serv.setBlock = async (world, position, stateId) => {
    const result = await inner(world, position, stateId)
    await reconnect(world, new Vec3(position.x, position.y, position.z).floored())
    return result
  }
}

module.exports.player = (player, serv) => {
  const changeBlock = player.changeBlock
  player.changeBlock = async (position, ...rest) => {
    await changeBlock(position, ...rest)
    await serv.reconnect(player.world, new Vec3(position.x, position.y, position.z).floored())
  }
}
