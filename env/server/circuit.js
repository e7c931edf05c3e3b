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
const { describeState, withProperties } = require('./blockstate')

const REDSTONE = require('../data/redstone.json')
const CIRCUIT = REDSTONE.circuit
const WIRE = CIRCUIT.wire
const TORCHES = CIRCUIT.torches
const LAMPS = new Set(CIRCUIT.lamps)
const CONSTANT = CIRCUIT.constant
const MAX = CIRCUIT.max_power
const vec = v => new Vec3(...v)
const FACES = REDSTONE.faces.map(vec)
const HORIZONTAL = Object.entries(CIRCUIT.horizontal).map(([side, v]) => [side, vec(v)])
const UP = vec(REDSTONE.attached_above)
const DOWN = vec(REDSTONE.attached_below)
const NON_CONDUCTORS = new Set(REDSTONE.non_conductors)
const key = p => `${p.x},${p.y},${p.z}`
const neg = v => v.scaled(-1)

function isLever (name) { return name === 'lever' }
function isButton (name) { return name.endsWith('_button') }
function isPlate (name) { return name.endsWith('_pressure_plate') }
function isSource (name) { return isLever(name) || isButton(name) || isPlate(name) }
function isOpenable (name) { return REDSTONE.openable_suffixes.some(s => name.endsWith(s)) }
function isSignalSource (name) { return isSource(name) || name in TORCHES || name in CONSTANT || name === WIRE }
function isComponent (name) { return isSignalSource(name) || LAMPS.has(name) || isOpenable(name) }

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
    const conductor = sturdy && !NON_CONDUCTORS.has(name) && !registry.blocksByStateId[stateId].transparent
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
  const out = new Map()
  for (const [k, f] of view) {
    const [x, y, z] = k.split(',').map(Number)
    if (f.stateId !== (await base(new Vec3(x, y, z))).stateId) out.set(k, { pos: new Vec3(x, y, z), stateId: f.stateId })
  }
  return out
}

module.exports = { settle, isComponent, isSignalSource }
