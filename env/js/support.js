'use strict'
// What holds up a block that cannot float (crops on farmland, torches, ladders, levers,
// buttons, rails, carpets, flowers on dirt), as vanilla 1.19.2 rules it: env/data/support.json,
// the same rules env/support.py reads (see there and in the file for their meaning). Used by the
// place body (env/js/actions.js: refuse before the first packet) and by the server's support
// plugin (env/server/plugins/support.js: refuse a click without support, pop what loses it).
//
// A block is given as { name, props, shapes }: its name, its state properties and its collision
// boxes ([[x0, y0, z0, x1, y1, z1], ...], minecraft-data's, as prismarine-block's `shapes`).

const path = require('path')
const fs = require('fs')
const { Refused, CODES: C } = require('./refusals')
const { supportBoxes } = require('./connections')

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'support.json'), 'utf8'))
const DIRT = DATA.dirt_tag
const RULES = DATA.rules.map(r => ({
  ...r,
  on: (r.on || []).flatMap(n => (n === '#dirt' ? DIRT : [n]))
}))
const AIRS = new Set(['air', 'cave_air', 'void_air'])
const CENTRE = [7 / 16, 9 / 16]
const FULL = [0, 1]
const EPS = 1e-9
const STEP = { up: [0, 1, 0], down: [0, -1, 0], north: [0, 0, -1], south: [0, 0, 1], east: [1, 0, 0], west: [-1, 0, 0] }
const OPPOSITE = { up: 'down', down: 'up', north: 'south', south: 'north', east: 'west', west: 'east' }

const TWO_TALL = DATA.two_tall

/** Whether `block` is two cells tall, a lower and an upper half (support.json `two_tall`). */
function twoTall (block) {
  return TWO_TALL.some(b => block === b || (b.startsWith('*') && block.endsWith(b.slice(1))))
}

function names (rule, block) {
  return rule.blocks.some(b => block === b || (b.startsWith('*') && block.endsWith(b.slice(1))))
}

/** The support rule of `block` (null: it needs none). */
function ruleFor (block) {
  return RULES.find(r => names(r, block)) || null
}

/** The direction from a block in `props` to its support. */
function supportSide (rule, props) {
  const facing = String(props.facing ?? 'north')
  if (rule.side === 'below') return 'down'
  if (rule.side === 'face') {
    const face = String(props.face ?? 'wall') // the default state: on a wall
    if (face === 'floor') return 'down'
    if (face === 'ceiling') return 'up'
  }
  return OPPOSITE[facing] || 'south'
}

/** Whether one collision box covers the `span` x `span` square of the `face`. */
function faceCovered (shapes, face, span) {
  const [lo, hi] = span
  for (const [x0, y0, z0, x1, y1, z1] of shapes || []) {
    let touches, a0, a1, b0, b1
    if (face === 'up' || face === 'down') {
      touches = face === 'up' ? y1 >= 1 - EPS : y0 <= EPS;
      [a0, a1, b0, b1] = [x0, x1, z0, z1]
    } else if (face === 'east' || face === 'west') {
      touches = face === 'east' ? x1 >= 1 - EPS : x0 <= EPS;
      [a0, a1, b0, b1] = [y0, y1, z0, z1]
    } else {
      touches = face === 'south' ? z1 >= 1 - EPS : z0 <= EPS;
      [a0, a1, b0, b1] = [x0, x1, y0, y1]
    }
    if (touches && a0 <= lo + EPS && a1 >= hi - EPS && b0 <= lo + EPS && b1 >= hi - EPS) return true
  }
  return false
}

// Whether `spec` ("name" or "name[key=value]") names `block` ({name, props}) in its state.
function namesState (spec, block) {
  const [name, rest] = spec.split('[')
  if (block.name !== name) return false
  if (!rest) return true
  const [key, value] = rest.replace(']', '').split('=')
  return String((block.props || {})[key] ?? '').toLowerCase() === value
}

function holds (rule, support, face) {
  if ((rule.not_on || []).includes(support.name)) return false
  if ((rule.also_on || []).some(spec => namesState(spec, support))) return true
  if (rule.needs === 'blocks') return rule.on.includes(support.name)
  if (rule.needs === 'not_air') return !AIRS.has(support.name)
  if (rule.needs === 'collides') return (support.shapes || []).length > 0
  return faceCovered(supportBoxes(support), face, rule.needs === 'full' ? FULL : CENTRE)
}

function offset (pos, side) {
  const [dx, dy, dz] = STEP[side]
  return [pos[0] + dx, pos[1] + dy, pos[2] + dz]
}

/** Whether `block` in `props` at `pos` stands (blockAt(pos) -> {name, props, shapes}). */
function supported (block, props, pos, blockAt) {
  const rule = ruleFor(block)
  if (!rule) return true
  if (String(props.half ?? '') === 'upper') return blockAt(offset(pos, 'down')).name === block
  const side = supportSide(rule, props)
  return holds(rule, blockAt(offset(pos, side)), OPPOSITE[side])
}

/** The refusal (a Refused) for placing `block` in `props` at `pos` without support, or null. */
function refusal (block, props, pos, blockAt) {
  const rule = ruleFor(block)
  if (!rule || supported(block, props, pos, blockAt)) return null
  const side = supportSide(rule, props)
  const at = offset(pos, side)
  const there = blockAt(at).name
  if (rule.needs === 'blocks') {
    let soils = rule.on.filter(n => !DIRT.includes(n))
    if (DIRT.every(n => rule.on.includes(n))) soils = ['dirt or grass (#dirt)', ...soils]
    return new Refused(C.NEEDS_SOIL, { item: block, pos, soil: soils.join(' or '), below: there })
  }
  return new Refused(C.NEEDS_SUPPORT, { item: block, pos, side, support: at, block: there, needs: rule.needs })
}

/** The state properties a placed `block` gets from the action's `facing` (as env/support.py). */
function placedState (block, facing) {
  if (facing === 'x' || facing === 'y' || facing === 'z') return { axis: facing }
  const rule = ruleFor(block)
  if (rule && rule.side === 'face') {
    if (facing === null || facing === undefined || facing === 'up') return { face: 'floor' }
    if (facing === 'down') return { face: 'ceiling' }
    return { facing, face: 'wall' }
  }
  return facing ? { facing } : {}
}

/** The cells whose blocks fall off once `removed` is gone, cascading (as env/support.py);
 * with `cleared` false the cell was changed, not emptied: what blockAt says is there holds. */
function popped (removed, blockAt, cleared = true) {
  const key = p => p.join(',')
  const gone = new Set(cleared ? [key(removed)] : [])
  const now = p => (gone.has(key(p)) ? { name: 'air', props: {}, shapes: [] } : blockAt(p))
  const out = []
  const queue = [removed]
  while (queue.length) {
    const cell = queue.shift()
    for (const side of Object.keys(STEP)) {
      const next = offset(cell, side)
      if (gone.has(key(next))) continue
      const b = now(next)
      if (AIRS.has(b.name) || !ruleFor(b.name)) continue
      if (!supported(b.name, b.props || {}, next, now)) {
        gone.add(key(next))
        out.push(next)
        queue.push(next)
      }
    }
  }
  return out
}

module.exports = { twoTall, ruleFor, supportSide, supported, refusal, placedState, popped, faceCovered, OPPOSITE, STEP }
