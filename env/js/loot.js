'use strict'
// What breaking a block or killing a mob drops: vanilla 1.19.2's loot tables with their
// conditions and counts, from env/data/loot.json (env/loot.py reads the same file; see there
// for the fields). Chances and counts are rolled with `random` (default Math.random): a count
// is uniform between its least and most, both included (2-5 raw copper), or the least plus a
// binomial draw (a ripe crop's seeds).

const path = require('path')
const fs = require('fs')

const DATA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'loot.json'), 'utf8'))
const LOOT = DATA.blocks
const ENTITY_LOOT = DATA.entities
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
    case 'pickaxe_no_silk_touch': return tools.has('pickaxe') && !SILK_TOUCH
    case 'killed_by_player': return tools.has('player')
    default: throw new Error(`unknown loot condition ${when}`)
  }
}

// A drop's count: uniform over [min, max] (vanilla's UniformGenerator on whole numbers), or
// min + B(max - min, p) for a binomial drop.
function rollCount (d, random) {
  const low = d.min
  const high = d.max ?? d.min
  if (d.binomial !== undefined) {
    let n = low
    for (let i = 0; i < high - low; i++) if (random() < d.binomial) n++
    return n
  }
  return low + Math.floor(random() * (high - low + 1))
}

function stateHolds (need, state) {
  if (!need) return true
  if (!state) return false
  return Object.entries(need).every(([k, v]) => String(state[k]).toLowerCase() === String(v).toLowerCase())
}

function passes (d, tools, age, random, state) {
  if (!conditionHolds(d.when, tools)) return false
  if (age !== undefined && d.age !== undefined && age < d.age) return false
  if (!stateHolds(d.state, state)) return false
  const chance = d.chance ?? 1
  return !(chance < 1 && (random === null || random() >= chance))
}

// [[item, count], ...] that one loot table gives; with `random` null, only its certain drops,
// each at its least count (what the rulebook's plans count on). The drops of one group are
// alternatives, tried in order, the first that drops wins; a group whose drops say `rolls`
// [least, most] is rolled that many times (uniform; the least with `random` null).
function roll (table, tools, age, random, state) {
  const out = new Map()
  const doneGroups = new Set()
  for (const d of table ?? []) {
    let picks
    if (d.group === undefined) {
      picks = passes(d, tools, age, random, state) ? [d] : []
    } else if (doneGroups.has(d.group)) {
      continue
    } else {
      doneGroups.add(d.group)
      const members = table.filter(e => e.group === d.group)
      const [low, high] = d.rolls ?? [1, 1]
      const times = random === null ? low : low + Math.floor(random() * (high - low + 1))
      picks = []
      for (let i = 0; i < times; i++) {
        const hit = members.find(e => passes(e, tools, age, random, state))
        if (hit) picks.push(hit)
      }
    }
    for (const pick of picks) {
      const count = random === null ? Math.max(pick.min, 0) : rollCount(pick, random)
      if (count > 0) out.set(pick.item, (out.get(pick.item) ?? 0) + count)
    }
  }
  return [...out.entries()]
}

// [[item, count], ...] that breaking `block` at crop `age` (undefined: fully grown) in block
// `state` (its properties, e.g. { type: 'double' }) gives a player using `tools` (a Set of
// 'shears', 'pickaxe'). A block without loot drops nothing.
function drops (block, tools = new Set(), age = undefined, random = Math.random, state = undefined) {
  return roll(LOOT[block], tools, age, random, state)
}

// [[item, count], ...] that killing `entity` gives (by a player unless byPlayer is false).
function entityDrops (entity, byPlayer = true, random = Math.random) {
  return roll(ENTITY_LOOT[entity], new Set(byPlayer ? ['player'] : []), undefined, random, undefined)
}

module.exports = { LOOT, ENTITY_LOOT, drops, entityDrops, conditionHolds, rollCount }
