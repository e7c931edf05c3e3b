'use strict'
// Levers, buttons, pressure plates and a simple power model.
//
// Sources: a lever toggles `powered` when used; a button is powered for 20 game ticks (stone
// and polished blackstone) or 30 (wooden), counted on the server's tick loop as vanilla does
// (env/data/redstone.json), and then resets; a pressure plate is powered while at
// least one player stands on it (checked on every player movement; weighted plates carry
// `power` = the vanilla level for that many players).
// Power: every block change settles the redstone circuit around it (env/server/circuit.js, the
// same rule and data, env/data/redstone.json, as env/redstone.py for the simulator): levers,
// buttons, plates, blocks of redstone, torches and dust power lamps, torches, dust and doors,
// trapdoors and fence gates, which open when they gain power and shut when they lose it. Iron
// doors and iron trapdoors move only this way. Pistons extend their head when powered and
// retract it when not (at once; vanilla takes 2 ticks); a head and its base go together.
// Events on the server object, for other code (escape-room effects, logs):
//   serv.on('redstoneSource', ({ world, position, name, powered, player }) => ...)
//   serv.on('redstoneConsumer', ({ world, position, name, powered }) => ...)
// /powerhistory [since_ms] answers `powerhistory [{"t":..,"tick":..,"x":..,"y":..,"z":..,"name":..,
// "powered":..,"player":..}, ...]`: the last source changes (server clock, ms since the epoch, and
// the server's tick count), so a reader polling the world cannot miss a button's short press.
// serv.recomputePower(world, position) settles the circuit around `position` (every block change
// does so already; a door, torch or lamp just set keeps the states it is given, as vanilla's
// /setblock leaves the placed block itself un-updated).

const { Vec3 } = require('vec3')
const { UserError } = require('flying-squid')
const { guarded, describeState, withProperties, isOpenable } = require('../blockstate')
const { settle, isComponent } = require('../circuit')
const { isConductor: conducts } = require('../../js/conductor')

const REDSTONE = require('../../data/redstone.json')
const WALKING = require('../../data/walking.json')
const PLATE_INSET = REDSTONE.plate_inset // a plate's detection box: the block minus this at each side
const PLATE_HEIGHT = REDSTONE.plate_height
const PLAYER_HALF_WIDTH = WALKING.body_width / 2
const HISTORY = 64 // source changes kept for /powerhistory

const vec = v => new Vec3(...v)
const FACES = REDSTONE.faces.map(vec)

function isLever (name) { return name === 'lever' }
function isButton (name) { return name.endsWith('_button') }
function isPlate (name) { return name.endsWith('_pressure_plate') }
function isSource (name) { return isLever(name) || isButton(name) || isPlate(name) }
function isWeighted (name) { return name.endsWith('weighted_pressure_plate') }
function buttonTicks (name) {
  return REDSTONE.button_ticks[name] ?? REDSTONE.button_ticks_default
}

/** Is the source block (prismarine-block) giving power? */
function sourcePowered (block) {
  const props = block.getProperties()
  if (isWeighted(block.name)) return Number(props.power) > 0
  return props.powered === true
}

/** The block a lever, button or plate at `position` hangs on (env/data/redstone.json). */
function attachedPosition (name, props, position) {
  if (isPlate(name) || (props.face ?? 'floor') === 'floor') return position.plus(vec(REDSTONE.attached_below))
  if (props.face === 'ceiling') return position.plus(vec(REDSTONE.attached_above))
  return position.plus(vec(REDSTONE.attached_behind[props.facing ?? 'north']))
}

/** Does strong power in this block (prismarine-block) power its neighbours?
 * (env/js/conductor.js) */
function isConductor (block) {
  return conducts(block.name, block.shapes)
}

/**
 * Does a powered source (name, props) at `source` power the block at `target`? As vanilla
 * (env/redstone.py has the same rule for the simulator): the blocks sharing a face with the
 * source and, when the block it is attached to conducts (stone, planks; not glass), the
 * blocks sharing a face with that block. Not the diagonal ones: a plate diagonal to an iron
 * trapdoor leaves it shut.
 */
async function reaches (world, name, props, source, target) {
  if (source.equals(target)) return false
  if (FACES.some(f => source.plus(f).equals(target))) return true
  const attached = attachedPosition(name, props, source)
  if (!FACES.some(f => attached.plus(f).equals(target))) return false
  return isConductor(await world.getBlock(attached))
}

// ceil(15 * min(n, max) / max) for n players (env/data/redstone.json `weighted_max`, as env/redstone.py)
function weightedPower (name, players) {
  const top = REDSTONE.weighted_max[name]
  return Math.ceil(15 * Math.min(players, top) / top)
}

module.exports.server = (serv) => {
  const registry = serv.registry
  const key = p => `${p.x},${p.y},${p.z}`

  // Every block change settles the redstone circuit around it (env/server/circuit.js, the same
  // rule as env/redstone.py `settle`): serv.setBlock is wrapped, so commands, digs, placements,
  // doors and sources all update dust, torches, lamps and doors. Changes run one at a time (a
  // settle reads, then writes, the cells around it); the circuit's own writes go to the
  // unwrapped setBlock. The block just set keeps its states when it is a torch, a lamp or a door.
  const rawSetBlock = serv.setBlock
  const parts = new WeakMap() // world -> Map(key -> Vec3): every component cell, for `near`
  const partsOf = world => {
    if (!parts.has(world)) parts.set(world, new Map())
    return parts.get(world)
  }
  const note = (world, pos, stateId) => {
    const name = registry.blocksByStateId[stateId].name
    if (isComponent(name)) partsOf(world).set(key(pos), pos.clone())
    else partsOf(world).delete(key(pos))
  }
  async function settleAround (world, changed, keep) {
    const index = partsOf(world)
    const near = async (p, r) => [...index.values()].filter(q =>
      Math.abs(q.x - p.x) <= r && Math.abs(q.y - p.y) <= r && Math.abs(q.z - p.z) <= r)
    const changes = await settle(registry, p => world.getBlockStateId(p), changed, keep, near)
    for (const { pos, stateId } of changes.values()) {
      await rawSetBlock(world, pos, stateId)
      note(world, pos, stateId) // a piston's head placed or removed, a base removed
      const state = describeState(registry, stateId)
      if (isOpenable(state.name)) {
        serv.emit('redstoneConsumer', { world, position: pos, name: state.name, powered: state.properties.powered })
      }
    }
  }
  let chain = Promise.resolve()
  const queue = (pos, run) => {
    const done = chain.then(run)
    chain = done.catch(err => process.stderr.write(`redstone: settling around ${pos} failed: ${err.stack}\n`))
    return done
  }
  serv.setBlock = (world, position, stateId) => {
    const pos = new Vec3(position.x, position.y, position.z).floored()
    return queue(pos, async () => {
      await rawSetBlock(world, pos, stateId)
      note(world, pos, stateId)
      await settleAround(world, [pos], new Set([key(pos)]))
    })
  }
  // A block changed another way (flying-squid's digging writes the world itself): settle.
  serv.settleChange = (world, position) => {
    const pos = new Vec3(position.x, position.y, position.z).floored()
    return queue(pos, async () => {
      note(world, pos, await world.getBlockStateId(pos))
      await settleAround(world, [pos], new Set([key(pos)]))
    })
  }
  serv.recomputePower = (world, around) => {
    const done = chain.then(() => settleAround(world, [around], new Set()))
    chain = done.catch(() => {})
    return done
  }
  // flying-squid's own torch and dust updates predate 1.13's block states (they remove a torch
  // behind the players' backs): ours replace them, whether its 'asap' came before or after.
  const quiet = () => {
    for (const name of [...Object.keys(REDSTONE.circuit.torches), REDSTONE.circuit.wire]) {
      serv.onBlockUpdate(name, async () => false)
    }
  }
  quiet()
  serv.on('asap', quiet)

  const history = []
  serv.commands.add({
    base: 'powerhistory',
    info: 'recent lever, button and plate changes, as JSON',
    usage: '/powerhistory [since_ms]',
    parse (str) {
      const text = str.trim()
      if (text === '') return { since: 0 }
      if (!/^\d+$/.test(text)) throw new UserError(`since must be a time in ms since the epoch, got ${JSON.stringify(text)}`)
      return { since: Number(text) }
    },
    action ({ since }, ctx) {
      const text = 'powerhistory ' + JSON.stringify(history.filter(e => e.t >= since))
      if (ctx.player) ctx.player.chat({ text })
      else serv.info(text)
    }
  })

  async function setSource (world, position, changes, player) {
    const block = await world.getBlock(position)
    const next = withProperties(registry, block.stateId, changes)
    if (next === block.stateId) return
    await serv.setBlock(world, position, next)
    const state = describeState(registry, next)
    const powered = isWeighted(state.name) ? state.properties.power > 0 : state.properties.powered
    serv.emit('redstoneSource', { world, position, name: state.name, powered, player })
    history.push({ t: Date.now(), tick: serv.tickCount, x: position.x, y: position.y, z: position.z, name: state.name, powered, player: player ? player.username : null })
    if (history.length > HISTORY) history.shift()
  }

  serv.onBlockInteraction('lever', guarded('using a lever', async ({ block, player }) => {
    await setSource(player.world, block.position, { powered: !block.getProperties().powered }, player)
    return true
  }, true))

  for (const button of registry.blocksArray.map(b => b.name).filter(isButton)) {
    serv.onBlockInteraction(button, guarded(`pressing ${button}`, async ({ block, player }) => {
      if (block.getProperties().powered) return true
      const world = player.world
      const position = block.position
      await setSource(world, position, { powered: true }, player)
      resets.set(`${position}`, { world, position, button, tick: serv.tickCount + buttonTicks(button) })
      return true
    }, true))
  }

  // Pressed buttons, reset on the tick they are due (a lagging server keeps them longer).
  const resets = new Map() // position key -> { world, position, button, tick }
  serv.on('tick', () => {
    for (const [key, r] of resets) {
      if (serv.tickCount < r.tick) continue
      resets.delete(key)
      guarded(`resetting ${r.button}`, async () => {
        const now = await r.world.getBlock(r.position)
        if (now.name === r.button && now.getProperties().powered) {
          await setSource(r.world, r.position, { powered: false }, null)
        }
      })()
    }
  })

  // Pressure plates: which players stand on which plate.
  const pressedBy = new Map() // plate key -> Set of player ids
  serv.redstonePlates = pressedBy

  async function platesUnder (player) {
    const pos = player.position
    const y = Math.floor(pos.y)
    if (pos.y - y >= PLATE_HEIGHT) return []
    const plates = []
    for (let x = Math.floor(pos.x - PLAYER_HALF_WIDTH); x <= Math.floor(pos.x + PLAYER_HALF_WIDTH); x++) {
      for (let z = Math.floor(pos.z - PLAYER_HALF_WIDTH); z <= Math.floor(pos.z + PLAYER_HALF_WIDTH); z++) {
        const overlapsX = pos.x + PLAYER_HALF_WIDTH > x + PLATE_INSET && pos.x - PLAYER_HALF_WIDTH < x + 1 - PLATE_INSET
        const overlapsZ = pos.z + PLAYER_HALF_WIDTH > z + PLATE_INSET && pos.z - PLAYER_HALF_WIDTH < z + 1 - PLATE_INSET
        if (!overlapsX || !overlapsZ) continue
        const at = new Vec3(x, y, z)
        if (isPlate((await player.world.getBlock(at)).name)) plates.push(at)
      }
    }
    return plates
  }

  async function setPlate (world, position, players, player) {
    const block = await world.getBlock(position)
    if (!isPlate(block.name)) return
    const changes = isWeighted(block.name)
      ? { power: String(weightedPower(block.name, players)) }
      : { powered: players > 0 }
    await setSource(world, position, changes, player)
  }

  // Moves arrive one after another per player; chain the updates so they apply in order.
  serv.updatePlatesFor = async (player, leaving = false) => {
    const now = leaving ? [] : await platesUnder(player)
    const nowKeys = new Set(now.map(key))
    const before = player.redstonePlates || new Map()
    player.redstonePlates = new Map(now.map(p => [key(p), p]))
    for (const [k, pos] of before) {
      if (nowKeys.has(k)) continue
      const set = pressedBy.get(k)
      if (!set) continue
      set.delete(player.id)
      if (set.size === 0) pressedBy.delete(k)
      await setPlate(player.world, pos, set.size, player)
    }
    for (const pos of now) {
      const k = key(pos)
      if (before.has(k)) continue
      const set = pressedBy.get(k) || new Set()
      pressedBy.set(k, set)
      set.add(player.id)
      await setPlate(player.world, pos, set.size, player)
    }
  }
}

module.exports.player = (player, serv) => {
  // flying-squid's digging changes blocks with player.changeBlock, not serv.setBlock
  const changeBlock = player.changeBlock
  player.changeBlock = async (position, ...rest) => {
    await changeBlock(position, ...rest)
    await serv.settleChange(player.world, position)
  }
  let queue = Promise.resolve()
  const update = (leaving) => {
    queue = queue.then(() => serv.updatePlatesFor(player, leaving)).catch(err => {
      process.stderr.write(`redstone: pressure plate update for ${player.username} failed: ${err.stack}\n`)
    })
  }
  player.on('move_done', (data, cancelled) => { if (!cancelled) update(false) })
  player.on('disconnected', () => update(true))
}

// The rule alone, for tests that check it against env/redstone.py's.
module.exports.rule = { reaches, attachedPosition, isConductor }
