'use strict'
// Which blocks a placed block replaces, as vanilla 1.19.2 rules it (env/data/replaceable.json,
// the file env/replaceable.py reads): replaceable('tall_grass') -> true, replaceable('torch')
// -> false, replaceable('snow', { layers: 2 }) -> false.

// A block is not replaced by its own kind (replaceable('grass', {}, 'grass') -> false), except a
// snow cover, which grows: grown('snow', { layers: 2 }, 'snow') -> { layers: 3 }.

const DATA = require('../data/replaceable.json')
const BLOCKS = new Set(DATA.blocks)
const ONLY_WHEN = DATA.only_when || {}
const GROWS = DATA.grows || {}

// The state block `name` in `props` takes when a block `placing` of its own kind is placed into
// it, or null when it does not grow.
function grown (name, props, placing) {
  const rule = GROWS[name]
  if (!rule || placing !== name) return null
  const now = Number((props || {})[rule.state] ?? 1)
  if (now >= rule.max) return null
  return { ...(props || {}), [rule.state]: now + 1 }
}

function replaceable (name, props = {}, placing = null) {
  if (placing !== null && placing !== undefined && placing === name) return grown(name, props, placing) !== null
  if (!BLOCKS.has(name)) return false
  return Object.entries(ONLY_WHEN[name] || {}).every(([key, value]) => String(props[key] ?? value) === value)
}

// The face a click on a growing block must hit to grow it in place ('up' for snow), or null.
function growsOnFace (name) {
  return GROWS[name] ? GROWS[name].clicked_face : null
}

module.exports = { replaceable, grown, growsOnFace, BLOCKS }
