'use strict'
// Double chests as vanilla 1.19.2 rules them (env/data/chests.json; the same rules as
// env/chests.py, see there): the facing and type a placed chest takes (getStateForPlacement),
// the chests beside a changed cell that change type (updateShape), the cells of the container a
// chest belongs to (right half first: DoubleBlockCombiner), and whether the place action sneaks
// for the block it clicks. A block is { name, props }; positions are [x, y, z].

const DATA = require('../data/chests.json')
const { HORIZONTAL, OPPOSITE } = require('./facing')

const STEP = { north: [0, 0, -1], south: [0, 0, 1], east: [1, 0, 0], west: [-1, 0, 0] }
const OPPOSITE_TYPE = { left: 'right', right: 'left' }

function names (patterns, block) {
  return patterns.some(b => block === b || (b.startsWith('*') && block.endsWith(b.slice(1))))
}

const isChest = block => DATA.blocks.includes(block)
const sneaks = clicked => names(DATA.sneak.used_by_click, clicked) && !DATA.sneak.except.includes(clicked)
const cw = d => HORIZONTAL[(HORIZONTAL.indexOf(d) + 1) % 4]
const ccw = d => HORIZONTAL[(HORIZONTAL.indexOf(d) + 3) % 4]
const step = (pos, side) => [pos[0] + STEP[side][0], pos[1] + STEP[side][1], pos[2] + STEP[side][2]]
const typeOf = b => String((b.props || {}).type ?? 'single')
const facingOf = b => String((b.props || {}).facing ?? 'north')
const connectedSide = b => typeOf(b) === 'left' ? cw(facingOf(b)) : ccw(facingOf(b))

function partnerFacing (block, pos, side, blockAt) {
  const n = blockAt(step(pos, side))
  return n.name === block && typeOf(n) === 'single' ? facingOf(n) : null
}

// { facing, type } of chest `block` placed at `pos` ({} for another block): `facing` the one it
// takes alone, `clicked` the clicked face pointing at the cell, `sneaking` the player's.
function placedChest (block, pos, facing, clicked, sneaking, blockAt) {
  if (!isChest(block)) return {}
  let kind = 'single'
  if (sneaking && HORIZONTAL.includes(clicked)) {
    const toward = OPPOSITE[clicked]
    const d = partnerFacing(block, pos, toward, blockAt)
    if (d !== null && (d === 'east' || d === 'west') !== (clicked === 'east' || clicked === 'west')) {
      facing = d
      kind = ccw(d) === toward ? 'right' : 'left'
    }
  }
  if (kind === 'single' && !sneaking) {
    if (partnerFacing(block, pos, cw(facing), blockAt) === facing) kind = 'left'
    else if (partnerFacing(block, pos, ccw(facing), blockAt) === facing) kind = 'right'
  }
  return { facing, type: kind }
}

// The new props of the chest at `pos` after its neighbour on `side` changed, or null.
function updatedShape (pos, side, blockAt) {
  const b = blockAt(pos)
  if (!isChest(b.name)) return null
  const n = blockAt(step(pos, side))
  const t = typeOf(b)
  if (n.name === b.name) {
    const nt = typeOf(n)
    if (t === 'single' && nt !== 'single' && facingOf(n) === facingOf(b) && connectedSide(n) === OPPOSITE[side]) {
      return { ...b.props, type: OPPOSITE_TYPE[nt] }
    }
    return null
  }
  if (t !== 'single' && connectedSide(b) === side) return { ...b.props, type: 'single' }
  return null
}

// The chests beside `pos` whose state changes with the block now at `pos`: [[cell, name, props]].
function shapeUpdates (pos, blockAt) {
  const out = []
  for (const side of HORIZONTAL) {
    const cell = step(pos, side)
    const props = updatedShape(cell, OPPOSITE[side], blockAt)
    if (props) out.push([cell, blockAt(cell).name, props])
  }
  return out
}

// The sides in the order a set block reads its neighbours (Block.UPDATE_SHAPE_ORDER).
const UPDATE_SHAPE_ORDER = ['west', 'east', 'north', 'south']

// The props the chest at `pos` takes once set by a command (BlockInput.place:
// updateFromNeighbourShapes through updateShape), or null when it keeps them (or is no chest).
function setShape (pos, blockAt) {
  const start = blockAt(pos)
  if (!isChest(start.name)) return null
  let current = start
  for (const side of UPDATE_SHAPE_ORDER) {
    const now = current
    const view = p => (p[0] === pos[0] && p[1] === pos[1] && p[2] === pos[2] ? now : blockAt(p))
    const props = updatedShape(pos, side, view)
    if (props) current = { name: start.name, props }
  }
  return current === start ? null : current.props
}

// The cells of the container of the chest at `pos`, in slot order: [right, left] or [pos].
function halves (pos, blockAt) {
  const b = blockAt(pos)
  const t = typeOf(b)
  if (!isChest(b.name) || t === 'single') return [pos]
  const other = step(pos, connectedSide(b))
  const o = blockAt(other)
  if (o.name !== b.name || !(typeOf(o) in OPPOSITE_TYPE) || typeOf(o) === t || facingOf(o) !== facingOf(b)) return [pos]
  return t === 'right' ? [pos, other] : [other, pos]
}

module.exports = { isChest, sneaks, placedChest, updatedShape, setShape, shapeUpdates, halves, connectedSide, SLOTS_PER_HALF: DATA.slots_per_half, WINDOW: DATA.window }
