'use strict'
// Blocks that fall (sand, red sand, gravel, concrete powder, anvils, the dragon egg), as vanilla
// 1.19.2 rules them: env/data/gravity.json, the same rule env/gravity.py reads (see there for
// its meaning and sources). Used by the server's gravity plugin (env/server/plugins/gravity.js:
// falls after every block change) and by the place body (env/js/actions.js: where a placed
// block ends). A block is given as { name, props, shapes }: its name, its state properties and
// its collision boxes ([[x0, y0, z0, x1, y1, z1], ...], prismarine-block's `shapes`).

const DATA = require('../data/gravity.json')
const { replaceable } = require('./replaceable')
const support = require('./support')
const { faceSturdy } = require('./connections')
const FREE = new Set(require('../data/replaceable.json').blocks)
const AIR = { name: 'air', props: {}, shapes: [] }
const EPS = 1e-9
const CONCRETE = DATA.concrete
const WATER = new Set(CONCRETE.water)

const names = (patterns, block) => patterns.some(p => block === p || (p.startsWith('*') && block.endsWith(p.slice(1))))
const key = p => p.join(',')

/** Whether `block` (a name) falls (gravity.json `blocks`). */
function falls (block) { return names(DATA.blocks, block) }

/** FallingBlock.isFree: whether a falling block above `block` ({name}) falls into its cell. */
function isFree (block) { return FREE.has(block.name) }

function top (block) {
  let t = 0
  for (const s of block.shapes || []) t = Math.max(t, s[4])
  return t
}

// The top of `block`'s collision shape for a block that has fallen `fallen` cells when it
// reaches it: powder snow's depends on it (gravity.json `powder_snow`; env/gravity.py).
const SNOW = DATA.powder_snow
function fallingTop (block, fallen) {
  if (block.name === SNOW.block) return fallen <= SNOW.full_up_to ? 1 : SNOW.top_after
  return top(block)
}

// Whether `b`'s fluid is water (FluidTags.WATER): a `water` block or a waterlogged one.
const wet = b => WATER.has(b.name) || String((b.props || {})[CONCRETE.waterlogged] ?? '').toLowerCase() === 'true'
const powder = name => name.endsWith(CONCRETE.suffix)

// The neighbours that can wet concrete powder: [offset, the neighbour's face toward it]; not
// the one below (env/gravity.py `touches_water`).
const TOWARD = [[[0, 1, 0], 'down'], [[0, 0, -1], 'south'], [[0, 0, 1], 'north'], [[-1, 0, 0], 'east'], [[1, 0, 0], 'west']]
const NEIGHBOURS = [[0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1], [-1, 0, 0], [1, 0, 0]]

/** ConcretePowderBlock.touchesLiquid: a neighbour above or beside `pos` holds water and its
 * face toward `pos` is not sturdy (env/gravity.py `touches_water`). */
function touchesWater (pos, blockAt) {
  const [x, y, z] = pos
  return TOWARD.some(([[dx, dy, dz], face]) => {
    const b = blockAt([x + dx, y + dy, z + dz])
    return wet(b) && !faceSturdy(b, face)
  })
}

const concrete = name => name.slice(0, -CONCRETE.suffix.length) + CONCRETE.becomes

// The concrete powder `name` at `pos` (where `replaced` was) turns into, or null.
function solidifies (name, pos, replaced, blockAt) {
  if (!powder(name)) return null
  return wet(replaced) || touchesWater(pos, blockAt) ? concrete(name) : null
}

/** Where the falling block at `start` (a `name`, when it matters: concrete powder) ends:
 * { cell, stays } (cell null: out of the world), as env/gravity.py `landing`; the block at
 * `start` is taken as gone; concrete powder stops in the first cell whose fluid is water. */
function landing (start, blockAt, name = '') {
  const [x, y, z] = start
  const at = p => (key(p) === key(start) ? AIR : blockAt(p))
  const isPowder = powder(name)
  let cur = y
  for (;;) {
    if (cur - 1 < DATA.min_y) return { cell: null, stays: false }
    const below = [x, cur - 1, z]
    const b = at(below)
    const t = fallingTop(b, y - cur)
    if (isPowder && t < 1 - EPS && wet(b)) return { cell: below, stays: replaceable(b.name, b.props || {}) }
    if (t <= EPS) { cur -= 1; continue }
    const cell = t >= 1 - EPS ? [x, cur, z] : below
    const there = at(cell)
    return { cell, stays: replaceable(there.name, there.props || {}) && !isFree(at([x, cell[1] - 1, z])) }
  }
}

/** The height an item dropped in the cell `pos` comes to rest at: the top of the first
 * collision box at or below it (env/gravity.py `rest_height`). */
function restHeight (pos, blockAt) {
  const [x, y, z] = pos
  for (let cy = y; cy >= DATA.min_y; cy--) {
    const t = top(blockAt([x, cy, z]))
    if (t > EPS) return cy + t
  }
  return DATA.min_y
}

/** The falls a change at the cells `changed` causes, in order: [{ src, dst, block, broke,
 * pops }] with dst null when the block broke (in the cell `broke`, where it drops as its own
 * item) or left the world (broke null too), and `pops` ([{ pos, block }]) what lost its
 * support with the move (env/gravity.py `settle`, the same order); first the powder that
 * touches water turns where it is (src equal to dst). */
function settle (changed, blockAt) {
  const over = new Map()
  const now = p => over.get(key(p)) || blockAt(p)
  const moves = []
  // Powder at or beside a changed cell that touches water turns first, where it is.
  for (const c of changed) {
    for (const p of [c, ...NEIGHBOURS.map(([dx, dy, dz]) => [c[0] + dx, c[1] + dy, c[2] + dz])]) {
      const b = now(p)
      if (powder(b.name) && touchesWater(p, now)) {
        const put = { name: concrete(b.name), props: { ...(b.props || {}) }, shapes: b.shapes }
        over.set(key(p), put)
        moves.push({ src: p, dst: p, block: put, broke: null, pops: [] })
      }
    }
  }
  const todo = []
  for (const c of changed) todo.push(c, [c[0], c[1] + 1, c[2]])
  let guard = 0
  const unheld = (cell, cleared) => {
    const out = []
    for (const p of support.popped(cell, now, cleared)) {
      out.push({ pos: p, block: now(p) })
      over.set(key(p), AIR)
      todo.push(p, [p[0], p[1] + 1, p[2]])
    }
    return out
  }
  while (todo.length) {
    todo.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2])
    const p = todo.shift()
    const block = now(p)
    if (!falls(block.name) || !isFree(now([p[0], p[1] - 1, p[2]]))) continue
    if (++guard > 100000) throw new Error('gravity: settling did not end')
    const { cell, stays } = landing(p, now, block.name)
    over.set(key(p), AIR)
    todo.push([p[0], p[1] + 1, p[2]])
    if (!cell || !stays) { moves.push({ src: p, dst: null, block, broke: cell, pops: unheld(p, true) }); continue }
    const name = solidifies(block.name, cell, now(cell), now) || block.name
    const put = { name, props: { ...(block.props || {}) }, shapes: block.shapes }
    over.set(key(cell), put)
    const pops = [...unheld(p, true), ...unheld(cell, false)]
    moves.push({ src: p, dst: cell, block: put, broke: null, pops })
  }
  return moves
}

module.exports = { falls, isFree, landing, restHeight, settle }
