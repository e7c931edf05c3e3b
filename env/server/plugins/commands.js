'use strict'
// World-setup commands, vanilla syntax, usable by players and from the server console:
//   /setblock <x> <y> <z> <block>[states] [replace|keep|destroy]  (destroy: the old block's loot drops)
//   /fill <x1> <y1> <z1> <x2> <y2> <z2> <block>[states] [replace [filter]|keep|hollow|outline|destroy]
//   /summon <entity> [<x> <y> <z>]        any living entity (cow, rabbit, sheep, pig, chicken...)
//   /blockstate <x> <y> <z>               answers `blockstate {"x":..,"y":..,"z":..,"name":..,"properties":{..}}`
// Block states are named (oak_door[facing=north,half=upper,open=true]); unnamed states keep
// the block's default. Coordinates may be relative to the caller (~, ~1, ~-2).

const crypto = require('crypto')
const { Vec3 } = require('vec3')
const { UserError } = require('flying-squid')
const { describeState, stateIdOf, parseBlockSpec } = require('../blockstate')
const { dropInCell } = require('../ground')
const loot = require('../../js/loot')

const MAX_FILL = 32768 // vanilla's limit on /fill volume
const LIVING_TYPES = new Set(['mob', 'animal', 'hostile', 'water_creature', 'ambient', 'passive', 'living'])

function coordinate (text, base, axis) {
  const match = /^(~)?(-?\d+(?:\.\d+)?)?$/.exec(text)
  if (!match || (!match[1] && match[2] === undefined)) {
    throw new UserError(`${axis} coordinate must be a number, ~ or ~N, got ${JSON.stringify(text)}`)
  }
  const value = match[2] === undefined ? 0 : Number(match[2])
  return match[1] ? base + value : value
}

function position (args, ctx) {
  const base = ctx.player ? ctx.player.position : new Vec3(0, 0, 0)
  return new Vec3(
    coordinate(args[0], base.x, 'x'), coordinate(args[1], base.y, 'y'), coordinate(args[2], base.z, 'z'))
}

module.exports.server = (serv, settings) => {
  const registry = serv.registry
  const maxEntities = (settings && settings['max-entities']) || 100000

  function blockState (spec) {
    try {
      const { name, properties } = parseBlockSpec(spec)
      return stateIdOf(registry, name, properties)
    } catch (err) {
      throw new UserError(err.message)
    }
  }

  function reply (ctx, text) {
    if (ctx.player) ctx.player.chat({ text })
    else serv.info(text)
  }

  const worldOf = ctx => (ctx.player ? ctx.player.world : serv.overworld)

  async function place (world, pos, stateId) {
    await serv.setBlock(world, pos, stateId)
    // The blocks around the placed one update (vanilla's /setblock): serv.setBlock settles the
    // redstone circuit around it (plugins/redstone.js); a placed door keeps its given states.
  }

  serv.commands.add({
    base: 'setblock',
    info: 'set a block, with named states',
    usage: '/setblock <x> <y> <z> <block>[states] [replace|keep|destroy]',
    op: true,
    parse (str) {
      const args = str.trim().split(/\s+/)
      if (args.length < 4 || args.length > 5) return false
      if (args[4] !== undefined && !['replace', 'keep', 'destroy'].includes(args[4])) {
        throw new UserError(`mode must be replace, keep or destroy, got ${JSON.stringify(args[4])}`)
      }
      return { args, mode: args[4] || 'replace' }
    },
    async action ({ args, mode }, ctx) {
      const pos = position(args, ctx).floored()
      const stateId = blockState(args[3])
      const world = worldOf(ctx)
      const current = await world.getBlockStateId(pos)
      if (mode === 'keep' && current !== 0) throw new UserError(`could not set the block at ${pos}: it is not air`)
      if (current === stateId) throw new UserError(`could not set the block at ${pos}: it is already ${args[3]}`)
      // destroy: the old block is broken as by no player and no tool first, its loot dropped
      // in its cell (SetBlockCommand: Level.destroyBlock(pos, true)); a two-block-tall
      // block's loot is its lower half's
      const old = mode === 'destroy' && current !== 0 ? await world.getBlock(pos) : null
      await place(world, pos, stateId)
      if (old && String(old.getProperties().half ?? '') !== 'upper') {
        const props = old.getProperties()
        const age = props.age !== undefined ? Number(props.age) : undefined
        for (const [item, count] of loot.drops(old.name, new Set(), age, Math.random, props)) {
          dropInCell(serv, world, [pos.x, pos.y, pos.z], item, count)
        }
      }
    }
  })

  serv.commands.add({
    base: 'fill',
    info: 'fill a box with a block, with named states',
    usage: '/fill <x1> <y1> <z1> <x2> <y2> <z2> <block>[states] [replace [filter]|keep|hollow|outline|destroy]',
    op: true,
    parse (str) {
      const args = str.trim().split(/\s+/)
      if (args.length < 7 || args.length > 9) return false
      const mode = args[7] || 'replace'
      if (!['replace', 'keep', 'hollow', 'outline', 'destroy'].includes(mode)) {
        throw new UserError(`mode must be replace, keep, hollow, outline or destroy, got ${JSON.stringify(mode)}`)
      }
      if (args[8] !== undefined && mode !== 'replace') throw new UserError('only the replace mode takes a filter block')
      return { args, mode, filter: args[8] }
    },
    async action ({ args, mode, filter }, ctx) {
      const a = position(args.slice(0, 3), ctx).floored()
      const b = position(args.slice(3, 6), ctx).floored()
      const stateId = blockState(args[6])
      const filterSpec = filter === undefined ? null : parseBlockSpec(filter)
      if (filterSpec) blockState(filter)
      const lo = new Vec3(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.min(a.z, b.z))
      const hi = new Vec3(Math.max(a.x, b.x), Math.max(a.y, b.y), Math.max(a.z, b.z))
      const volume = (hi.x - lo.x + 1) * (hi.y - lo.y + 1) * (hi.z - lo.z + 1)
      if (volume > MAX_FILL) throw new UserError(`too many blocks in the specified area (maximum ${MAX_FILL}, specified ${volume})`)
      const world = worldOf(ctx)
      let changed = 0
      // blocks that fall settle once the whole box is set (plugins/gravity.js)
      const batch = serv.gravityBatch ? run => serv.gravityBatch(world, run) : run => run()
      await batch(async () => {
        for (let x = lo.x; x <= hi.x; x++) {
          for (let y = lo.y; y <= hi.y; y++) {
            for (let z = lo.z; z <= hi.z; z++) {
              const pos = new Vec3(x, y, z)
              const shell = x === lo.x || x === hi.x || y === lo.y || y === hi.y || z === lo.z || z === hi.z
              if (mode === 'outline' && !shell) continue
              const target = mode === 'hollow' && !shell ? 0 : stateId
              const current = await world.getBlockStateId(pos)
              if (mode === 'keep' && current !== 0) continue
              if (filterSpec && !matches(current, filterSpec)) continue
              if (current === target) continue
              await place(world, pos, target)
              changed++
            }
          }
        }
      })
      if (changed === 0) throw new UserError('no blocks were filled')
      reply(ctx, `Successfully filled ${changed} block(s)`)
    }
  })

  function matches (stateId, spec) {
    const { name, properties } = describeState(registry, stateId)
    if (name !== spec.name) return false
    return Object.entries(spec.properties).every(([k, v]) => String(properties[k]) === v)
  }

  function spawnLiving (entity, world, pos) {
    const mob = serv.initEntity('mob', entity.id, world, pos)
    mob.uuid = crypto.randomUUID()
    mob.name = entity.name
    mob.velocity = new Vec3(0, 0, 0)
    mob.pitch = 0
    mob.headPitch = 0
    mob.yaw = 0
    mob.gravity = new Vec3(0, -20, 0)
    mob.terminalvelocity = new Vec3(27, 27, 27)
    mob.friction = new Vec3(15, 0, 15)
    mob.size = new Vec3(entity.width, entity.height, entity.width)
    mob.health = 20
    mob.metadata = []
    mob.updateAndSpawn()
    return mob
  }

  serv.commands.add({
    base: 'summon',
    info: 'summon an entity (animals included)',
    usage: '/summon <entity> [<x> <y> <z>]',
    op: true,
    parse (str) {
      const args = str.trim().split(/\s+/)
      if (args[0] === '' || (args.length !== 1 && args.length !== 4)) return false
      return args
    },
    action (args, ctx) {
      const name = args[0].replace(/^minecraft:/, '')
      const entity = registry.entitiesByName[name]
      if (!entity) throw new UserError(`unknown entity ${JSON.stringify(args[0])} (e.g. cow, rabbit, sheep, pig, chicken)`)
      if (args.length === 1 && !ctx.player) throw new UserError('the console must give a position: /summon <entity> <x> <y> <z>')
      const pos = args.length === 4 ? position(args.slice(1), ctx) : ctx.player.position.clone()
      if (Object.keys(serv.entities).length >= maxEntities) throw new UserError(`too many entities (maximum ${maxEntities})`)
      const world = worldOf(ctx)
      let spawned
      if (LIVING_TYPES.has(entity.type)) spawned = spawnLiving(entity, world, pos)
      else if (entity.type === 'player') throw new UserError('players cannot be summoned')
      else spawned = serv.spawnObject(entity.id, world, pos, { velocity: new Vec3(0, 0, 0) })
      reply(ctx, `Summoned new ${entity.displayName} id=${spawned.id}`)
    }
  })

  serv.commands.add({
    base: 'blockstate',
    info: 'the block at a position and its states, as JSON',
    usage: '/blockstate <x> <y> <z>',
    op: false,
    parse (str) {
      const args = str.trim().split(/\s+/)
      return args.length === 3 ? args : false
    },
    async action (args, ctx) {
      const pos = position(args, ctx).floored()
      const state = describeState(registry, await worldOf(ctx).getBlockStateId(pos))
      reply(ctx, 'blockstate ' + JSON.stringify({ x: pos.x, y: pos.y, z: pos.z, ...state }))
    }
  })
}
