'use strict'
// What a dig finds and what a broken block leaves in its cell, as vanilla 1.19.2 rules it
// (env/data/dig.json, the file env/dig.py reads): nothingToDig('water') -> true,
// nothingToDig('grass') -> false; leftBehind('ice', 'stone') -> 'water' (IceBlock.playerDestroy:
// the block below blocks motion), leftBehind('ice', 'air') -> 'air', leftBehind('packed_ice',
// 'stone') -> 'air'.

const DATA = require('../data/dig.json')
const { BLOCKS: REPLACEABLE } = require('./replaceable')

const NOTHING = new Set(DATA.nothing_to_dig)
const LIQUIDS = new Set(DATA.liquids)

// `*_carpet` matches names ending in `_carpet`, `potted_*` names starting with `potted_`.
function matches (name, patterns) {
  return patterns.some(p => p === name || (p.startsWith('*') && name.endsWith(p.slice(1))) ||
    (p.endsWith('*') && name.startsWith(p.slice(0, -1))))
}

function nothingToDig (name) {
  return NOTHING.has(name)
}

// Whether block `name`'s Material blocks motion or is a liquid (vanilla's Material flags).
function blocksMotionOrLiquid (name) {
  if (LIQUIDS.has(name)) return true
  return !REPLACEABLE.has(name) && !matches(name, DATA.below_passes_motion)
}

// The block a player's breaking of block `name` leaves in its cell ('air' for most), given the
// name of the block below it and whether the tool has silk touch.
function leftBehind (name, below, silkTouch = false) {
  const rule = DATA.leaves_behind[name]
  if (!rule || (rule.unless === 'silk_touch' && silkTouch)) return 'air'
  if (rule.below === 'blocks_motion_or_liquid' && !blocksMotionOrLiquid(below)) return 'air'
  return rule.block
}

module.exports = { nothingToDig, blocksMotionOrLiquid, leftBehind }
