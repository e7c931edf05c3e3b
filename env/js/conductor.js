'use strict'
// Which blocks conduct redstone (BlockStateBase.isRedstoneConductor), the rule env/redstone.py
// `is_conductor` reads from the same data (env/data/redstone.json `conductors`, whose
// `_conductors` gives the game's classes): `always` blocks conduct (soul sand, mud), `never`
// and `not_solid_blocking` ones do not (glass, pistons, a block of redstone; glowstone, sea
// lantern, ice, leaves, tnt), every other block conducts when its collision shape is the full
// cube.

const RULE = require('../data/redstone.json').conductors
const ALWAYS = new Set(RULE.always)
const NEVER = new Set([...RULE.never, ...RULE.not_solid_blocking])

/** Whether block `name`, with collision boxes `shapes` ([[x0, y0, z0, x1, y1, z1], ...]),
 * conducts redstone. */
function isConductor (name, shapes) {
  if (ALWAYS.has(name)) return true
  if (NEVER.has(name)) return false
  return (shapes || []).length === 1 && shapes[0].join(',') === '0,0,0,1,1,1'
}

module.exports = { isConductor }
