'use strict'
// Falling blocks: sand, red sand, gravel, concrete powder, anvils and the dragon egg fall when
// their cell below is free (air, water, short grass, a snow cover), as vanilla 1.19.2 rules it
// (env/data/gravity.json through env/js/gravity.js, the rule the simulator reads in
// env/gravity.py). After every block change (a placement, a /setblock, a trigger's block, what
// support.js pops) and every dig, the blocks at and above the changed cell settle: each falls to
// the first collision box below it (concrete powder: the first water) and stays there when that
// cell can be replaced, else it breaks and drops as its own item there; what a fall leaves
// without support (a torch on the sand, a flower, a sign beside it) pops off and drops its loot
// in its cell. At once, at the end of the change: vanilla waits 2 ticks and then falls with
// gravity (the data file's `_about` says how far that differs).
// serv.setBlock is wrapped once every plugin has loaded (server.js adds them in one synchronous
// loop), so this wrapper is the outermost one and the falls it writes go through the redstone
// circuit's and the containers' wrappers. Falls are settled one change at a time.
// Event: serv.on('blockFell', ({ world, from, to, name, broke, popped }) => ...) (to null: it
// broke, at `broke`, or left the world).

const { Vec3 } = require('vec3')
const { stateIdOf } = require('../blockstate')
const gravity = require('../../js/gravity')
const loot = require('../../js/loot')
const { dropInCell } = require('../ground')

const AIR = { name: 'air', props: {}, shapes: [], stateId: 0 }

// A read the rule needs and the cache lacks: read it and run the rule again.
class Miss extends Error {
  constructor (p) { super(`unread ${p}`); this.p = p }
}

module.exports.server = (serv) => {
  const registry = serv.registry
  let inner = null // serv.setBlock as the other plugins left it
  let chain = Promise.resolve()

  async function read (world, p, cache) {
    const b = await world.getBlock(new Vec3(...p))
    cache.set(p.join(','), b ? { name: b.name, props: b.getProperties(), shapes: b.shapes, stateId: b.stateId } : AIR)
  }

  // The falls a change at `cells` ([x, y, z]s) causes, computed on the world as it is, then
  // written: each source cell emptied, each landing cell set.
  async function settleAround (world, cells) {
    const cache = new Map()
    for (const [x, y, z] of cells) {
      for (let dy = -1; dy <= 1; dy++) await read(world, [x, y + dy, z], cache)
    }
    let moves
    for (;;) {
      try {
        moves = gravity.settle(cells, p => {
          const b = cache.get(p.join(','))
          if (!b) throw new Miss(p)
          return b
        })
        break
      } catch (err) {
        if (!(err instanceof Miss)) throw err
        await read(world, err.p, cache)
      }
    }
    const drops = [] // [cell, item, count]: laid once every move is written (they rest on its blocks)
    for (const { src, dst, block, broke, pops } of moves) {
      if (!dst || dst.join(',') !== src.join(',')) await inner(world, new Vec3(...src), 0)
      if (dst) {
        const same = block.stateId !== undefined && registry.blocksByStateId[block.stateId]?.name === block.name
        await inner(world, new Vec3(...dst), same ? block.stateId : stateIdOf(registry, block.name, {}))
      }
      if (broke) drops.push([broke, block.name, 1]) // FallingBlockEntity: spawnAtLocation(block)
      for (const pop of pops) {
        await inner(world, new Vec3(...pop.pos), 0)
        if (String(pop.block.props.half ?? '') === 'upper') continue // the lower half's loot is the block's
        const age = pop.block.props.age !== undefined ? Number(pop.block.props.age) : undefined
        for (const [item, count] of loot.drops(pop.block.name, new Set(), age, Math.random, pop.block.props)) drops.push([pop.pos, item, count])
      }
      serv.emit('blockFell', { world, from: new Vec3(...src), to: dst ? new Vec3(...dst) : null, name: block.name, broke: broke ? new Vec3(...broke) : null, popped: pops.map(p => ({ position: new Vec3(...p.pos), name: p.block.name })) })
    }
    for (const [cell, item, count] of drops) dropInCell(serv, world, cell, item, count)
  }

  serv.gravitySettle = (world, position) => {
    const p = new Vec3(position.x, position.y, position.z).floored()
    const done = chain.then(() => settleAround(world, [[p.x, p.y, p.z]]))
    chain = done.catch(err => process.stderr.write(`gravity: settling around ${p} failed: ${err.stack}\n`))
    return done
  }

  // A command that sets many blocks (/fill) settles once all are set, as vanilla's /fill
  // updates its blocks only after setting the whole box: serv.gravityBatch(world, run).
  let batch = null
  serv.gravityBatch = async (world, run) => {
    const outer = batch === null
    if (outer) batch = []
    try {
      return await run()
    } finally {
      if (outer) {
        const cells = batch
        batch = null
        const done = chain.then(() => settleAround(world, cells))
        chain = done.catch(err => process.stderr.write(`gravity: settling a batch failed: ${err.stack}\n`))
        await done
      }
    }
  }

  queueMicrotask(() => {
    inner = serv.setBlock
    serv.setBlock = async (world, position, stateId) => {
      const result = await inner(world, position, stateId)
      if (batch !== null) batch.push([Math.floor(position.x), Math.floor(position.y), Math.floor(position.z)])
      else await serv.gravitySettle(world, position)
      return result
    }
  })
}

module.exports.player = (player, serv) => {
  // flying-squid's digging changes blocks with player.changeBlock, not serv.setBlock
  const changeBlock = player.changeBlock
  player.changeBlock = async (position, ...rest) => {
    await changeBlock(position, ...rest)
    await serv.gravitySettle(player.world, position)
  }
}
