'use strict'
// The redstone circuit of Minecraft 1.19.2 for the embedded server: blocks of redstone,
// redstone torches, redstone dust, lamps, and the doors, trapdoors and fence gates they move.
// Not a plugin (server.js loads only ./plugins/*.js): plugins/redstone.js calls `settle` after
// every block change. The rule and its data are env/data/redstone.json `circuit`, the same
// rule as env/redstone.py `settle` for the simulator (tests/test_redstone_components.py runs
// both on the same worlds): a component's power is what its neighbours give it (a source its
// level, a block of redstone 15, a lit torch 15 to all but the block it hangs on, dust its
// `power` below it and where it points), a conducting block passes on the strong power it
// receives (a source's to the block it hangs on, a torch's to the block above, dust's), dust
// takes the best of that or its connected dust's power less one, a torch is unlit while the
// block it hangs on gives it power, a lamp is lit and a door open while powered.

const { Vec3 } = require('vec3')
const { describeState, withProperties, stateIdOf } = require('./blockstate')

const REDSTONE = require('../data/redstone.json')
const { isConductor } = require('../js/conductor')
const CIRCUIT = REDSTONE.circuit
const vec = v => new Vec3(...v)
const WIRE = CIRCUIT.wire
const TORCHES = CIRCUIT.torches
const LAMPS = new Set(CIRCUIT.lamps)
const CONSTANT = CIRCUIT.constant
const MAX = CIRCUIT.max_power
const FACES = REDSTONE.faces.map(vec)
const HORIZONTAL = Object.entries(CIRCUIT.horizontal).map(([side, v]) => [side, vec(v)])
const UP = vec(REDSTONE.attached_above)
const DOWN = vec(REDSTONE.attached_below)
const key = p => `${p.x},${p.y},${p.z}`
const neg = v => v.scaled(-1)

function isLever (name) { return name === 'lever' }
function isButton (name) { return name.endsWith('_button') }
function isPlate (name) { return name.endsWith('_pressure_plate') }
function isSource (name) { return isLever(name) || isButton(name) || isPlate(name) }
function isOpenable (name) { return REDSTONE.openable_suffixes.some(s => name.endsWith(s)) }
function isSignalSource (name) { return isSource(name) || name in TORCHES || name in CONSTANT || name === WIRE }
const PISTONS = CIRCUIT.pistons
const HEAD = PISTONS.head
const EMPTY = new Set(PISTONS.empty)
const BREAKS = new Set(PISTONS.breaks)
const DIRECTIONS = Object.values(PISTONS.directions).map(vec)
function isPiston (name) { return name in PISTONS.bases }
function pistonBreaks (name) { return BREAKS.has(name) || PISTONS.breaks_suffixes.some(s => name.endsWith(s)) }
const IMMOVABLE = new Set(PISTONS.immovable)
/** Can a piston move this block (env/redstone.py `movable`)? */
function movable (f) {
  if (IMMOVABLE.has(f.name) || PISTONS.immovable_suffixes.some(s => f.name.endsWith(s))) return false
  return !(isPiston(f.name) && f.props.extended === 'true')
}
/** The cells a piston at `p` facing `face` pushes, nearest first, or null when it cannot
 * extend (env/redstone.py `push_line`); `read(pos)` answers facts (async). */
async function pushLine (p, face, read) {
  const line = []
  let c = p.plus(face)
  for (;;) {
    const f = await read(c)
    if (EMPTY.has(f.name) || pistonBreaks(f.name)) return line
    if (!movable(f) || line.length === PISTONS.push_limit) return null
    line.push(c)
    c = c.plus(face)
  }
}
function isComponent (name) {
  return isSignalSource(name) || LAMPS.has(name) || isOpenable(name) || isPiston(name) || name === HEAD
}

/** Facts of block states, per registry: name, properties spelled as the game writes them,
 * whether the state conducts and is a full cube (env/redstone.py `conducts`, `is_sturdy`). */
function facts (registry) {
  if (registry._circuitFacts) return registry._circuitFacts
  const Block = require('prismarine-block')(registry)
  const cache = new Map()
  registry._circuitFacts = (stateId) => {
    let f = cache.get(stateId)
    if (f) return f
    const { name, properties } = describeState(registry, stateId)
    const props = {}
    for (const [k, v] of Object.entries(properties)) props[k] = String(v).toLowerCase()
    const shapes = Block.fromStateId(stateId, 0).shapes || []
    const sturdy = shapes.length === 1 && shapes[0].join(',') === '0,0,0,1,1,1'
    const conductor = isConductor(name, shapes)
    f = { stateId, name, props, sturdy, conductor }
    cache.set(stateId, f)
    return f
  }
  return registry._circuitFacts
}

function attachedOffset (f) {
  if (isPlate(f.name) || (f.props.face ?? 'floor') === 'floor') return DOWN
  if (f.props.face === 'ceiling') return UP
  return vec(REDSTONE.attached_behind[f.props.facing ?? 'north'])
}

function torchAttached (f) {
  return TORCHES[f.name] === 'floor' ? DOWN : vec(REDSTONE.attached_behind[f.props.facing])
}

function sourceLevel (f) {
  if (f.name.endsWith('weighted_pressure_plate')) return Number(f.props.power)
  return f.props.powered === 'true' ? MAX : 0
}

function sideOf (v) { return HORIZONTAL.find(([, d]) => d.equals(v))[0] }

function weakSignal (f, toward, wires) {
  if (isSource(f.name)) return sourceLevel(f)
  if (f.name in CONSTANT) return CONSTANT[f.name]
  if (f.name in TORCHES) return f.props.lit === 'true' && !toward.equals(torchAttached(f)) ? MAX : 0
  if (f.name === WIRE && wires) {
    const level = Number(f.props.power)
    if (level === 0 || toward.equals(UP)) return 0
    if (toward.equals(DOWN)) return level
    return f.props[sideOf(toward)] !== 'none' ? level : 0
  }
  return 0
}

function strongSignal (f, toward, wires) {
  if (isSource(f.name)) return toward.equals(attachedOffset(f)) ? sourceLevel(f) : 0
  if (f.name in TORCHES) return f.props.lit === 'true' && toward.equals(UP) ? MAX : 0
  if (f.name === WIRE) return weakSignal(f, toward, wires)
  return 0
}

/**
 * The states a change at `changed` (Vec3s) settles the circuit around it to, as
 * Map(key -> {pos, stateId}) of the cells that change. `getStateId(pos)` reads the world
 * (async); `components(pos, reach)` answers the component cells within `reach` of `pos`
 * (async, Vec3s; by default read cell by cell); a torch, lamp or openable with a cell in
 * `keep` (keys) keeps its states. env/redstone.py `settle` is the same rule.
 */
async function settle (registry, getStateId, changed, keep = new Set(), components = null) {
  const info = facts(registry)
  const changes = new Map() // key -> stateId, every round's writes
  const world = async (p) => changes.get(key(p)) ?? getStateId(p)
  const index = components && (async (p, r) => {
    // the caller's index, with the cells pistons changed in earlier rounds
    const out = new Map((await components(p, r)).map(q => [key(q), q]))
    for (const [k, stateId] of changes) {
      const [x, y, z] = k.split(',').map(Number)
      if (Math.abs(x - p.x) > r || Math.abs(y - p.y) > r || Math.abs(z - p.z) > r) continue
      if (isComponent(info(stateId).name)) out.set(k, new Vec3(x, y, z))
      else out.delete(k)
    }
    return [...out.values()]
  })
  let todo = [...changed]
  let held = keep
  for (let round = 0; round < CIRCUIT.rounds; round++) {
    const { step, moved } = await settleRound(registry, world, todo, held, index)
    for (const [k, { stateId }] of step) changes.set(k, stateId)
    if (!moved.size) break
    todo = [...moved].map(k => new Vec3(...k.split(',').map(Number)))
      .sort((a, b) => a.x - b.x || a.y - b.y || a.z - b.z)
    held = new Set()
  }
  const out = new Map()
  for (const [k, stateId] of changes) {
    const pos = new Vec3(...k.split(',').map(Number))
    if (stateId !== await getStateId(pos)) out.set(k, { pos, stateId })
  }
  return out
}

/** One round of `settle` (env/redstone.py `_settle_round`): the circuit's changes around
 * `changed`, then the pistons' (`pistonMoves`), and the keys of the cells pistons changed. */
async function settleRound (registry, getStateId, changed, keep, components) {
  const info = facts(registry)
  const read = new Map()
  const view = new Map()
  const base = async (p) => {
    const k = key(p)
    if (!read.has(k)) read.set(k, info(await getStateId(p)))
    return read.get(k)
  }
  const get = async (p) => view.get(key(p)) || base(p)
  const reach = CIRCUIT.reach
  const near = components || (async (p, r) => {
    const out = []
    for (let dx = -r; dx <= r; dx++) {
      for (let dy = -r; dy <= r; dy++) {
        for (let dz = -r; dz <= r; dz++) {
          const q = p.offset(dx, dy, dz)
          if (isComponent((await base(q)).name)) out.push(q)
        }
      }
    }
    return out
  })
  // the components around the change, and around each signal source found so
  const found = new Map()
  const todo = [...changed]
  const spread = new Set()
  while (todo.length) {
    const p = todo.pop()
    for (const q of await near(p, reach)) {
      const k = key(q)
      if (found.has(k)) continue
      found.set(k, q)
      if (isSignalSource((await base(q)).name) && !spread.has(k)) { spread.add(k); todo.push(q) }
    }
  }
  const cells = [...found.values()].sort((a, b) => a.x - b.x || a.y - b.y || a.z - b.z)

  const change = async (p, changes) => {
    const f = await get(p)
    if (Object.entries(changes).every(([k, v]) => f.props[k] === String(v))) return
    view.set(key(p), info(withProperties(registry, f.stateId, changes)))
  }
  const signalFrom = async (p, toward, wires) => {
    const here = await get(p)
    let level = weakSignal(here, toward, wires)
    if (level < MAX && here.conductor) {
      for (const f of FACES) level = Math.max(level, strongSignal(await get(p.plus(f)), neg(f), wires))
    }
    return level
  }
  const neighbourSignal = async (p, wires) => {
    let level = 0
    for (const f of FACES) level = Math.max(level, await signalFrom(p.plus(f), neg(f), wires))
    return level
  }
  const isWire = async (p) => (await get(p)).name === WIRE
  const wireSide = async (p, side, d) => {
    const there = p.plus(d)
    const b = await get(there)
    if (!(await get(p.plus(UP))).conductor && b.sturdy && await isWire(there.plus(UP))) return 'up'
    if (isSignalSource(b.name) || (!b.conductor && await isWire(there.plus(DOWN)))) return 'side'
    return 'none'
  }
  const wireConnections = async (p) => {
    const out = {}
    for (const [side, d] of HORIZONTAL) out[side] = await wireSide(p, side, d)
    const here = await get(p)
    if (Object.values(out).every(v => v === 'none') && HORIZONTAL.every(([s]) => here.props[s] === 'none')) return out
    const ns = out.north === 'none' && out.south === 'none'
    const ew = out.east === 'none' && out.west === 'none'
    for (const [side, empty] of [['west', ns], ['east', ns], ['north', ew], ['south', ew]]) {
      if (empty && out[side] === 'none') out[side] = 'side'
    }
    return out
  }
  const wireLinks = async (p) => {
    const out = []
    const roof = (await get(p.plus(UP))).conductor
    for (const [, d] of HORIZONTAL) {
      const there = p.plus(d)
      const b = await get(there)
      if (b.name === WIRE) out.push(key(there))
      if (b.conductor) {
        if (!roof && await isWire(there.plus(UP))) out.push(key(there.plus(UP)))
      } else if (await isWire(there.plus(DOWN))) out.push(key(there.plus(DOWN)))
    }
    return out
  }
  const names = new Map()
  for (const p of cells) names.set(key(p), (await base(p)).name)
  const wires = cells.filter(p => names.get(key(p)) === WIRE)
  const torches = cells.filter(p => names.get(key(p)) in TORCHES && !keep.has(key(p)))
  for (const w of wires) await change(w, await wireConnections(w))
  const links = new Map()
  for (const w of wires) links.set(key(w), await wireLinks(w))
  for (let round = 0; round < CIRCUIT.rounds; round++) {
    const power = new Map()
    for (const w of wires) power.set(key(w), await neighbourSignal(w, false))
    let moved = true
    while (moved) {
      moved = false
      for (const w of wires) {
        let best = 0
        for (const v of links.get(key(w))) best = Math.max(best, (power.get(v) ?? 0) - 1)
        if (best > power.get(key(w))) { power.set(key(w), best); moved = true }
      }
    }
    for (const w of wires) await change(w, { power: power.get(key(w)) })
    const flips = []
    for (const t of torches) {
      const f = await get(t)
      const off = torchAttached(f)
      const lit = (await signalFrom(t.plus(off), neg(off), true)) === 0
      if (lit !== (f.props.lit === 'true')) flips.push([t, lit])
    }
    if (!flips.length) break
    for (const [t, lit] of flips) await change(t, { lit })
  }
  for (const p of cells) {
    if (LAMPS.has(names.get(key(p))) && !keep.has(key(p))) await change(p, { lit: (await neighbourSignal(p, true)) > 0 })
  }
  const done = new Set()
  for (const p of cells) {
    if (!isOpenable(names.get(key(p)))) continue
    const here = await get(p)
    const door = [p]
    if (here.name.endsWith('_door')) {
      const other = p.offset(0, here.props.half === 'lower' ? 1 : -1, 0)
      if ((await get(other)).name === here.name) door.push(other)
    }
    if (done.has(key(door[0])) || door.every(c => keep.has(key(c)))) continue
    door.forEach(c => done.add(key(c)))
    let signal = false
    for (const c of door) signal = signal || (await neighbourSignal(c, true)) > 0
    if ((here.props.powered === 'true') === signal) continue
    for (const c of door) await change(c, { open: signal, powered: signal })
  }
  const moved = await pistonMoves(registry, cells, changed, get, (k, stateId) => view.set(k, info(stateId)), keep, signalFrom)
  const out = new Map()
  for (const [k, f] of view) {
    const [x, y, z] = k.split(',').map(Number)
    if (f.stateId !== (await base(new Vec3(x, y, z))).stateId) out.set(k, { pos: new Vec3(x, y, z), stateId: f.stateId })
  }
  return { step: out, moved }
}

/**
 * What pistons do once the circuit settled (env/redstone.py `piston_moves`, the same rule), as
 * Map(key -> stateId): an extended piston whose head is gone (a changed cell in front of it no
 * longer its head) goes; a head without its extended base goes (unless kept); a powered
 * retracted piston extends into an empty cell or one holding a block it breaks; an unpowered
 * extended one retracts. `get(pos)` reads facts (async) as `put(key, stateId)` writes them;
 * `signalFrom(pos, toward, wires)` reads through `get`. Answers the keys written.
 */
async function pistonMoves (registry, cells, changed, get, put, keep, signalFrom) {
  const written = new Set()
  const out = { set: (k, stateId) => { written.add(k); put(k, stateId) } }
  const air = registry.blocksByName.air.defaultState
  const read = get
  const front = f => vec(PISTONS.directions[f.props.facing])
  const fits = (base, head) => isPiston(base.name) && head.name === HEAD && base.props.extended === 'true' &&
    base.props.facing === head.props.facing && head.props.type === PISTONS.bases[base.name]
  for (const c of changed) {
    const here = await read(c)
    for (const d of DIRECTIONS) {
      const at = c.plus(neg(d))
      const b = await read(at)
      if (isPiston(b.name) && b.props.extended === 'true' && front(b).equals(d) && !fits(b, here)) out.set(key(at), air)
    }
  }
  for (const p of cells) {
    const here = await read(p)
    if (here.name !== HEAD || keep.has(key(p))) continue
    if (!fits(await read(p.plus(neg(front(here)))), here)) out.set(key(p), air)
  }
  const powered = async (p, face) => {
    for (const f of FACES) if (!f.equals(face) && await signalFrom(p.plus(f), neg(f), true) > 0) return true
    const above = p.plus(UP)
    for (const f of FACES) if (!f.equals(DOWN) && await signalFrom(above.plus(f), neg(f), true) > 0) return true
    return false
  }
  for (const p of cells) {
    const here = await read(p)
    if (!isPiston(here.name)) continue
    const face = front(here)
    const ahead = p.plus(face)
    const extended = here.props.extended === 'true'
    const on = await powered(p, face)
    if (on && !extended) {
      const line = await pushLine(p, face, read)
      if (line === null) continue
      const moving = []
      for (const c of line) moving.push((await read(c)).stateId)
      for (let i = line.length - 1; i >= 0; i--) out.set(key(line[i].plus(face)), moving[i])
      out.set(key(p), withProperties(registry, here.stateId, { extended: true }))
      out.set(key(ahead), stateIdOf(registry, HEAD, { facing: here.props.facing, type: PISTONS.bases[here.name], short: false }))
    } else if (!on && extended) {
      const headThere = fits(here, await read(ahead))
      out.set(key(p), withProperties(registry, here.stateId, { extended: false }))
      if (headThere) {
        out.set(key(ahead), air)
        const far = ahead.plus(face)
        const pulled = await read(far)
        if (PISTONS.bases[here.name] === 'sticky' && !EMPTY.has(pulled.name) && movable(pulled) && !pistonBreaks(pulled.name)) {
          out.set(key(ahead), pulled.stateId)
          out.set(key(far), air)
        }
      }
    }
  }
  return written
}

module.exports = { settle, isComponent, isSignalSource, isPiston }
