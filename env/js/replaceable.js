'use strict'
// Which blocks a placed block replaces, as vanilla 1.19.2 rules it (env/data/replaceable.json,
// the file env/replaceable.py reads): replaceable('tall_grass') -> true, replaceable('torch')
// -> false, replaceable('snow', { layers: 2 }) -> false.

const DATA = require('../data/replaceable.json')
const BLOCKS = new Set(DATA.blocks)
const ONLY_WHEN = DATA.only_when || {}

function replaceable (name, props = {}) {
  if (!BLOCKS.has(name)) return false
  return Object.entries(ONLY_WHEN[name] || {}).every(([key, value]) => String(props[key] ?? value) === value)
}

module.exports = { replaceable, BLOCKS }
