'use strict'
// Blocks that fall (sand, red sand, gravel, concrete powder, anvils, the dragon egg), as vanilla
// 1.19.2 rules them: env/data/gravity.json, the same rule env/gravity.py reads (see there for
// its meaning and sources). Used by the server's gravity plugin (env/server/plugins/gravity.js:
// falls after every block change) and by the place body (env/js/actions.js: where a placed
// block ends). A block is given as { name, props, shapes }: its name, its state properties and
// its collision boxes ([[x0, y0, z0, x1, y1, z1], ...], prismarine-block's `shapes`).

const DATA = require('../data/gravity.json')
const { replaceable } = require('./replaceable')
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

// The concrete powder `name` landing at `pos` (where `replaced` was) turns into, or null.
function solidifies (name, pos, replaced, blockAt) {
  if (!name.endsWith(CONCRETE.suffix)) return null
  const water = b => WATER.has(b.name) || String((b.props || {})[CONCRETE.waterlogged] ?? '').toLowerCase() === 'true'
  const [x, y, z] = pos
  const near = [[x + 1, y, z], [x - 1, y, z], [x, y + 1, z], [x, y - 1, z], [x, y, z + 1], [x, y, z - 1]]
  if (water(replaced) || near.some(p => water(blockAt(p)))) return name.slice(0, -CONCRETE.suffix.length) + CONCRETE.becomes
  return null
}

/** Where the falling block at `start` ends: { cell, stays } (cell null: out of the world), as
 * env/gravity.py `landing`; the block at `start` is taken as gone. */
function landing (start, blockAt) {
  const [x, y, z] = start
  const at = p => (key(p) === key(start) ? AIR : blockAt(p))
  let cur = y
  for (;;) {
    if (cur - 1 < DATA.min_y) return { cell: null, stays: false }
    const below = [x, cur - 1, z]
    const t = top(at(below))
    if (t <= EPS) { cur -= 1; continue }
    const cell = t >= 1 - EPS ? [x, cur, z] : below
    const there = at(cell)
    return { cell, stays: replaceable(there.name, there.props || {}) && !isFree(at([x, cell[1] - 1, z])) }
  }
}

/** The falls a change at the cells `changed` causes, in order: [{ src, dst, block }] with
 * dst null when the block broke or left the world (env/gravity.py `settle`, the same order). */
function settle (changed, blockAt) {
  const over = new Map()
  const now = p => over.get(key(p)) || blockAt(p)
  const todo = []
  for (const c of changed) todo.push(c, [c[0], c[1] + 1, c[2]])
  const moves = []
  let guard = 0
  while (todo.length) {
    todo.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2])
    const p = todo.shift()
    const block = now(p)
    if (!falls(block.name) || !isFree(now([p[0], p[1] - 1, p[2]]))) continue
    if (++guard > 100000) throw new Error('gravity: settling did not end')
    const { cell, stays } = landing(p, now)
    over.set(key(p), AIR)
    todo.push([p[0], p[1] + 1, p[2]])
    if (!cell || !stays) { moves.push({ src: p, dst: null, block }); continue }
    const name = solidifies(block.name, cell, now(cell), now) || block.name
    const put = { name, props: { ...(block.props || {}) }, shapes: block.shapes }
    over.set(key(cell), put)
    moves.push({ src: p, dst: cell, block: put })
  }
  return moves
}

module.exports = { falls, isFree, landing, settle }
