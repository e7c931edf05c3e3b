'use strict'
// The state a placed block takes from how the place action places it, as vanilla 1.19.2's
// getStateForPlacement rules it (env/data/placed_states.json and env/data/facing.json, the
// rules env/placing.py reads; see there): the neighbour the action clicks, the nearest of six
// directions to the look, a slab's, stairs' or trapdoor's half from the clicked face, a door's
// hinge, a bed's head cell. The look is from the eyes (feet + reach.json `eye_height`) to the
// middle of the placed cell; a side face is clicked at its middle (HIT_Y above the cell's
// bottom). Used by the place body (env/js/actions.js: which block to click) and by the
// server's placement plugin (env/server/plugins/placement.js: the placed state).
//
// A block is given as { name, props, shapes, solid }: its name, state properties, collision
// boxes (prismarine-block's `shapes`) and whether minecraft-data's boundingBox is `block`.

const path = require('path')
const fs = require('fs')
const support = require('./support')
const { replaceable } = require('./replaceable')
const { facingRule, looking, placedFacing, OPPOSITE, HORIZONTAL } = require('./facing')

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'placed_states.json'), 'utf8'))
const EYE_HEIGHT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'reach.json'), 'utf8')).eye_height
const SIDES = ['down', 'up', 'east', 'west', 'south', 'north']
const AXIS_SIDES = { x: ['east', 'west', 'down', 'up', 'south', 'north'], z: ['south', 'north', 'down', 'up', 'east', 'west'] }
const HIT_Y = 0.5

function names (patterns, block) {
  return patterns.some(b => block === b || (b.startsWith('*') && block.endsWith(b.slice(1))))
}

function neighbour (pos, side, blockAt) {
  const [dx, dy, dz] = support.STEP[side]
  return blockAt([pos[0] + dx, pos[1] + dy, pos[2] + dz])
}

// The nearest of the six directions to the look of a player with feet at `feet` at the
// middle of cell `target` (getNearestLookingDirection).
function nearestLooking (feet, target) {
  const dy = target[1] + 0.5 - (feet[1] + EYE_HEIGHT)
  const dx = target[0] + 0.5 - feet[0]
  const dz = target[2] + 0.5 - feet[2]
  if (Math.abs(dy) > Math.max(Math.abs(dx), Math.abs(dz))) return dy > 0 ? 'up' : 'down'
  return looking(feet, target)
}

// The side of `pos` whose neighbour the place action clicks to put `item` there, or null (as
// env/placing.py `click_side`); `placesWith` is the item held.
function clickSide (item, pos, facing, blockAt, placesWith = null) {
  const clickable = n => !replaceable(n.name, n.props, placesWith)
  const rule = support.ruleFor(item)
  if (rule) {
    const want = facing || (rule.side === 'behind' ? 'north' : null)
    const side = support.supportSide(rule, support.placedState(item, want))
    return clickable(neighbour(pos, side, blockAt)) ? side : null
  }
  const order = AXIS_SIDES[facing] || SIDES
  for (const full of [true, false]) {
    for (const side of order) {
      const n = neighbour(pos, side, blockAt)
      if (clickable(n) && (!full || n.solid)) return side
    }
  }
  return null
}

// [property, value] of a slab's, stairs' or trapdoor's half from the clicked face, or null.
function placedHalf (block, clicked, hitY = HIT_Y) {
  for (const rule of DATA.half.rules) {
    if (names(rule.blocks, block)) {
      const top = clicked === 'down' || (clicked !== 'up' && hitY > 0.5)
      return [rule.property, top ? 'top' : 'bottom']
    }
  }
  return null
}

function fullCube (b) {
  const s = b.shapes || []
  return s.length === 1 && s[0].length === 6 && s[0].every((v, i) => v === [0, 0, 0, 1, 1, 1][i])
}

// The hinge of door `block` at `pos` placed by a player looking `look` (DoorBlock.getHinge).
function doorHinge (block, pos, look, blockAt, hit = [0.5, 0.5]) {
  if (!names(DATA.hinge.blocks, block)) return null
  const i = HORIZONTAL.indexOf(look)
  const left = HORIZONTAL[(i + 3) % 4]
  const right = HORIZONTAL[(i + 1) % 4]
  const up = [pos[0], pos[1] + 1, pos[2]]
  let total = 0
  for (const [sign, side] of [[-1, left], [1, right]]) {
    for (const cell of [pos, up]) total += fullCube(neighbour(cell, side, blockAt)) ? sign : 0
  }
  const door = side => {
    const n = neighbour(pos, side, blockAt)
    return n.name === block && String(n.props.half ?? 'lower') === 'lower'
  }
  const onLeft = door(left)
  const onRight = door(right)
  if ((onLeft && !onRight) || total > 0) return 'right'
  if ((onRight && !onLeft) || total < 0) return 'left'
  const [sx, , sz] = support.STEP[look]
  const [x, z] = hit
  const keep = (sx >= 0 || !(z < 0.5)) && (sx <= 0 || !(z > 0.5)) && (sz >= 0 || !(x > 0.5)) && (sz <= 0 || !(x < 0.5))
  return keep ? 'left' : 'right'
}

// The cell of a bed's head, the next cell the way it faces: the asked `facing` when it is
// horizontal, else the look (BedBlock); null for a block that is no bed.
function headCell (block, pos, facing, look) {
  if (!names(DATA.head.blocks, block)) return null
  const [dx, dy, dz] = support.STEP[HORIZONTAL.includes(facing) ? facing : look]
  return [pos[0] + dx, pos[1] + dy, pos[2] + dz]
}

function isStairs (b) {
  return names(DATA.shape.blocks, b.name)
}

// The `shape` of stairs facing `facing` with `half` at `pos` among its neighbours
// (StairBlock.getStairsShape; as env/placing.py `stairs_shape`).
function stairsShape (facing, half, pos, blockAt) {
  const ccw = HORIZONTAL[(HORIZONTAL.indexOf(facing) + 3) % 4]
  const like = b => isStairs(b) && String(b.props.half ?? 'bottom') === half
  const canTake = side => {
    const other = neighbour(pos, side, blockAt)
    return !(like(other) && String(other.props.facing ?? 'north') === facing)
  }
  const axis = facing === 'east' || facing === 'west'
  const behind = neighbour(pos, facing, blockAt)
  if (like(behind)) {
    const d = String(behind.props.facing ?? 'north')
    if ((d === 'east' || d === 'west') !== axis && canTake(OPPOSITE[d])) return d === ccw ? 'outer_left' : 'outer_right'
  }
  const front = neighbour(pos, OPPOSITE[facing], blockAt)
  if (like(front)) {
    const d = String(front.props.facing ?? 'north')
    if ((d === 'east' || d === 'west') !== axis && canTake(d)) return d === ccw ? 'inner_left' : 'inner_right'
  }
  return 'straight'
}

// The stairs at `pos` and beside it whose `shape` is not the one stairsShape gives them in the
// world `blockAt` shows: [[cell, name, props], ...] (as env/placing.py `reshaped`).
function reshaped (pos, blockAt) {
  const out = []
  const cells = [pos, ...HORIZONTAL.map(side => { const [dx, dy, dz] = support.STEP[side]; return [pos[0] + dx, pos[1] + dy, pos[2] + dz] })]
  for (const cell of cells) {
    const b = blockAt(cell)
    if (!isStairs(b)) continue
    const shape = stairsShape(String(b.props.facing ?? 'north'), String(b.props.half ?? 'bottom'), cell, blockAt)
    if (String(b.props.shape ?? 'straight') !== shape) out.push([cell, b.name, { ...b.props, shape }])
  }
  return out
}

// Where the action's click hits face `clicked`, relative to the cell's lowest corner: the
// middle of the touching face of the neighbour (as env/placing.py `hit_point`).
function hitPoint (clicked) {
  const [dx, dy, dz] = support.STEP[OPPOSITE[clicked]]
  return [0.5 + 0.5 * dx, 0.5 + 0.5 * dy, 0.5 + 0.5 * dz]
}

// What the click adds to the state of `block` placed at `pos` beyond support.placedState and
// the horizontal facing rules (as env/placing.py `placing_extras`): with no `facing` asked, a
// six-way or clicked-face facing; the half by the clicked face; a door's hinge; a bed's part.
// `hit` is the click's hit point relative to the cell's lowest corner (hitPoint(clicked) when
// not given).
function placingExtras (block, facing, pos, look, nearest, clicked, blockAt, hit = null) {
  const out = {}
  if (!facing && ![null, 'toward', 'look', 'clockwise'].includes(facingRule(block))) {
    let against = null
    if (clicked) {
      const b = neighbour(pos, OPPOSITE[clicked], blockAt)
      against = [b.name, b.props.facing !== undefined ? String(b.props.facing) : null]
    }
    const faced = placedFacing(block, look, nearest, clicked, against)
    if (faced !== null) out.facing = faced
  }
  if (!hit) hit = clicked ? hitPoint(clicked) : [0.5, HIT_Y, 0.5]
  if (clicked) {
    const half = placedHalf(block, clicked, hit[1])
    if (half) out[half[0]] = half[1]
  }
  const hinge = doorHinge(block, pos, look, blockAt, [hit[0], hit[2]])
  if (hinge) out.hinge = hinge
  if (headCell(block, pos, facing, look)) out.part = 'foot'
  return out
}

module.exports = { nearestLooking, clickSide, placedHalf, doorHinge, headCell, hitPoint, placingExtras, stairsShape, reshaped, SIDES, HIT_Y }
