'use strict'
// Blocks that join their neighbours (fences, fence gates beside walls, glass panes, iron bars,
// walls), as vanilla 1.19.2 rules it: the same rule as env/connections.py, from the same data
// (env/data/connections.json). `blockAt(pos)` answers { name, props, shapes } (shapes: the
// block's collision boxes, as prismarine-block gives them) synchronously.

const DATA = require('../data/connections.json')

const SIDES = ['north', 'east', 'south', 'west']
const STEP = { north: [0, 0, -1], east: [1, 0, 0], south: [0, 0, 1], west: [-1, 0, 0], up: [0, 1, 0], down: [0, -1, 0] }
const OPPOSITE = { north: 'south', south: 'north', east: 'west', west: 'east', up: 'down', down: 'up' }
const CLOCKWISE = { north: 'east', east: 'south', south: 'west', west: 'north' }
const GRID = Array.from({ length: 16 }, (_, i) => (i + 0.5) / 16)
const EPS = 1e-9
const WOODEN = new Set(DATA.fences.wooden)
const FENCES = new Set([...DATA.fences.wooden, ...DATA.fences.other])
const PANES = new Set(DATA.panes.blocks)
const WALLS = new Set(DATA.walls.blocks)
const GATES = new Set(DATA.gates.blocks)
const EXCEPTIONS = new Set(DATA.exceptions.blocks)
const SUPPORT_FULL = DATA.support_full.blocks

const matches = (patterns, name) => patterns.some(p => name === p || (p.startsWith('*') && name.endsWith(p.slice(1))))
const str = v => String(v).toLowerCase()
const step = (p, side) => [p[0] + STEP[side][0], p[1] + STEP[side][1], p[2] + STEP[side][2]]

/** Which kind of connecting block `name` is: fence, pane, wall, gate, or null. */
function kind (name) {
  if (FENCES.has(name)) return 'fence'
  if (PANES.has(name)) return 'pane'
  if (WALLS.has(name)) return 'wall'
  if (GATES.has(name)) return 'gate'
  return null
}

// Whether `spec` ("name" or "name[key=value]") names `b` ({ name, props }) in its state.
function specNames (spec, b) {
  const [name, rest] = spec.split('[')
  if (b.name !== name) return false
  if (!rest) return true
  const [k, v] = rest.replace(']', '').split('=')
  return str((b.props || {})[k] ?? '') === v
}

/** `b`'s support shape (getBlockSupportShape) as boxes: its collision boxes, or a full cube
 * for connections.json's `support_full` (env/connections.py `support_boxes`). */
function supportBoxes (b) {
  return SUPPORT_FULL.some(spec => specNames(spec, b)) ? [[0, 0, 0, 1, 1, 1]] : (b.shapes || [])
}
const boxes = supportBoxes

/** Whether `b`'s `face` is sturdy: its support shape covers the whole face (isFaceSturdy). */
function faceSturdy (b, face) {
  const all = boxes(b)
  if (all.length === 0) return false
  const [axis, far] = { down: [1, false], up: [1, true], north: [2, false], south: [2, true], west: [0, false], east: [0, true] }[face]
  const touching = all.filter(x => (far ? x[axis + 3] >= 1 - EPS : x[axis] <= EPS))
  const [a, c] = [0, 1, 2].filter(i => i !== axis)
  return GRID.every(u => GRID.every(v => touching.some(x => x[a] <= u && u <= x[a + 3] && x[c] <= v && v <= x[c + 3])))
}

// FenceGateBlock.connectsToDirection (`direction` points from the joining block to the gate)
function gateAcross (gate, direction) {
  const facing = str((gate.props || {}).facing || 'north')
  return ['north', 'south'].includes(facing) === ['north', 'south'].includes(CLOCKWISE[direction])
}

/** Whether a fence, pane or wall `name` joins `other`, its neighbour the way `direction` points. */
function joins (name, other, direction) {
  const own = kind(name)
  const theirs = kind(other.name)
  const solid = !EXCEPTIONS.has(other.name) && faceSturdy(other, OPPOSITE[direction])
  if (own === 'fence') {
    const same = theirs === 'fence' && WOODEN.has(name) === WOODEN.has(other.name)
    return solid || same || (theirs === 'gate' && gateAcross(other, direction))
  }
  if (own === 'pane') return solid || theirs === 'pane' || theirs === 'wall'
  if (own === 'wall') return solid || theirs === 'wall' || theirs === 'pane' || (theirs === 'gate' && gateAcross(other, direction))
  return false
}

// Whether the bottom of `above` covers `rect` (x0, z0, x1, z1 in 16ths): WallBlock's test shapes.
function covered (above, rect) {
  const bottom = boxes(above).filter(x => x[1] <= EPS)
  if (bottom.length === 0) return false
  const [x0, z0, x1, z1] = rect
  for (let i = x0; i < x1; i++) {
    for (let k = z0; k < z1; k++) {
      const u = (i + 0.5) / 16
      const v = (k + 0.5) / 16
      if (!bottom.some(x => x[0] <= u && u <= x[3] && x[2] <= v && v <= x[5])) return false
    }
  }
  return true
}

function wallState (pos, blockAt, name) {
  const above = blockAt(step(pos, 'up'))
  const test = DATA.walls.side_test
  const sides = {}
  for (const side of SIDES) {
    if (!joins(name, blockAt(step(pos, side)), side)) sides[side] = 'none'
    else sides[side] = covered(above, test[side]) ? 'tall' : 'low'
  }
  const none = Object.fromEntries(SIDES.map(s => [s, sides[s] === 'none']))
  let up
  if (kind(above.name) === 'wall' && str((above.props || {}).up ?? 'true') === 'true') up = true
  else if (SIDES.every(s => none[s]) || none.north !== none.south || none.east !== none.west) up = true
  else if ((sides.north === 'tall' && sides.south === 'tall') || (sides.east === 'tall' && sides.west === 'tall')) up = false
  else up = matches(DATA.walls.post_override, above.name) || covered(above, test.post)
  return { up, ...sides }
}

/** The whole state (props) block `b` takes at `pos` among its neighbours, or null when it
 * joins nothing (env/connections.py `connected_state`). */
function connectedState (b, pos, blockAt) {
  const k = kind(b.name)
  if (k === null) return null
  const props = { ...(b.props || {}) }
  if (k === 'gate') {
    const facing = str(props.facing || 'north')
    const across = ['north', 'south'].includes(facing) ? ['east', 'west'] : ['north', 'south']
    return { ...props, in_wall: across.some(s => WALLS.has(blockAt(step(pos, s)).name)) }
  }
  if (k === 'wall') return { ...props, ...wallState(pos, blockAt, b.name) }
  return { ...props, ...Object.fromEntries(SIDES.map(s => [s, joins(b.name, blockAt(step(pos, s)), s)])) }
}

// Whether the connections in `next` differ from `old`'s (a property `old` lacks has the
// game's default: env/data/connections.json `defaults`)
function differs (name, old, next) {
  return Object.entries(DATA.defaults[kind(name)]).some(([k, d]) => str(next[k]) !== str(k in old ? old[k] : d))
}

/** After the block at `pos` changed: [[cell, name, props], ...] for every connecting block at
 * `pos` or reached from it whose state is not the one `connectedState` gives it
 * (env/connections.py `reconnected`). `shapesOf(name, props)` gives a changed block's new
 * collision boxes (a wall's sides shape the wall below); without it they stay `blockAt`'s. */
function reconnected (pos, blockAt, shapesOf = null, limit = 512) {
  const out = new Map()
  const now = p => out.get(p.join(',')) || blockAt(p)
  const todo = [pos]
  let seen = 0
  while (todo.length && seen < limit) {
    const cell = todo.shift()
    seen++
    for (const p of [cell, ...SIDES.map(s => step(cell, s)), step(cell, 'down')]) {
      const b = now(p)
      const props = connectedState(b, p, now)
      if (props === null || !differs(b.name, b.props || {}, props)) continue
      out.set(p.join(','), { ...b, props, shapes: shapesOf ? shapesOf(b.name, props) : b.shapes })
      todo.push(p)
    }
  }
  return [...out.entries()].map(([k, b]) => [k.split(',').map(Number), b.name, b.props])
}

module.exports = { kind, faceSturdy, supportBoxes, joins, connectedState, reconnected }
