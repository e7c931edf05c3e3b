'use strict'
// What breaking a block drops: vanilla 1.19.2's block loot with its conditions, from
// env/data/loot.json (env/loot.py reads the same file; see there for the fields). Counts are
// each certain drop's least count; chances, and the counts of drops by chance, are rolled with
// `random` (default Math.random).

const path = require('path')
const fs = require('fs')

const LOOT = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'loot.json'), 'utf8')).blocks
const SILK_TOUCH = false // no task hands out enchanted tools

function conditionHolds (when, tools) {
  const shears = tools.has('shears')
  switch (when ?? null) {
    case null: return true
    case 'silk_touch': return SILK_TOUCH
    case 'no_silk_touch': return !SILK_TOUCH
    case 'shears': return shears
    case 'not_shears': return !shears
    case 'shears_or_silk_touch': return shears || SILK_TOUCH
    case 'not_shears_or_silk_touch': return !(shears || SILK_TOUCH)
    default: throw new Error(`unknown loot condition ${when}`)
  }
}

// [[item, count], ...] that breaking `block` at crop `age` (undefined: fully grown) gives a
// player using `tools` (a Set, e.g. new Set(['shears'])). A block without loot drops nothing.
function drops (block, tools = new Set(), age = undefined, random = Math.random) {
  const out = new Map()
  const doneGroups = new Set()
  for (const d of LOOT[block] ?? []) {
    if (d.group !== undefined && doneGroups.has(d.group)) continue
    if (!conditionHolds(d.when, tools)) continue
    if (age !== undefined && d.age !== undefined && age < d.age) continue
    const chance = d.chance ?? 1
    if (chance < 1 && random() >= chance) continue
    if (d.group !== undefined) doneGroups.add(d.group)
    // a drop by chance rolls its count too (1 or 2 sticks from leaves), a certain one counts its least
    const count = chance < 1 ? d.min + Math.floor(random() * ((d.max ?? d.min) - d.min + 1)) : d.min
    if (count > 0) out.set(d.item, (out.get(d.item) ?? 0) + count)
  }
  return [...out.entries()]
}

module.exports = { LOOT, drops, conditionHolds }
