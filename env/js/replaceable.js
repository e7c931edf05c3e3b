'use strict'
// Which blocks a placed block replaces, as vanilla 1.19.2 rules it (env/data/replaceable.json,
// the file env/replaceable.py reads): replaceable('tall_grass') -> true, replaceable('torch')
// -> false, replaceable('snow', { layers: 2 }) -> false.

// A block is not replaced by its own kind (replaceable('grass', {}, 'grass') -> false), except a
// snow cover or a half slab, which grows: grown('snow', { layers: 2 }, 'snow') -> { layers: 3 },
// grown('oak_slab', { type: 'bottom' }, 'oak_slab') -> { type: 'double' }.

const DATA = require('../data/replaceable.json')
const BLOCKS = new Set(DATA.blocks)
const ONLY_WHEN = DATA.only_when || {}
const GROWS = DATA.grows || {}

// The state block `name` in `props` takes when its own item `placing` places a block into it,
// or null when it does not grow. `placing` below is the held item's name (water_bucket for water).
function grown (name, props, placing) {
  const rule = growsRule(name)
  if (!rule || placing !== name) return null
  if (rule.steps) {
    const after = rule.steps[String((props || {})[rule.state] ?? rule.default)]
    return after === undefined ? null : { ...(props || {}), [rule.state]: after }
  }
  const now = Number((props || {})[rule.state] ?? 1)
  if (now >= rule.max) return null
  return { ...(props || {}), [rule.state]: now + 1 }
}

// How block `name` grows when its own kind is placed into it (by name or `*suffix`), or null.
function growsRule (name) {
  for (const [pattern, rule] of Object.entries(GROWS)) {
    if (pattern === name || (pattern.startsWith('*') && name.endsWith(pattern.slice(1)))) return rule
  }
  return null
}

function replaceable (name, props = {}, placing = null) {
  if (placing !== null && placing !== undefined && placing === name) return grown(name, props, placing) !== null
  if (!BLOCKS.has(name)) return false
  return Object.entries(ONLY_WHEN[name] || {}).every(([key, value]) => String(props[key] ?? value) === value)
}

// The face a click on a growing block in `props` must hit to grow it in place ('up' for snow,
// 'down' for a top slab), or null.
function growsOnFace (name, props = {}) {
  const rule = growsRule(name)
  if (!rule || !rule.clicked_face) return null
  const face = rule.clicked_face
  return typeof face === 'string' ? face : face[String(props[rule.state] ?? rule.default)] ?? null
}

module.exports = { replaceable, grown, growsOnFace, BLOCKS }
