'use strict'
// The facing a block takes when placed without one, from where the player looks, as vanilla
// 1.19.2's getStateForPlacement rules it per block class (env/data/facing.json, read by
// env/facing.py too): a furnace or chest faces the player (`toward`), stairs, a door or a
// fence gate face where the player looks (`look`), an anvil a quarter turn clockwise of it;
// six-way blocks by the nearest look (`nearest`, up and down included) or the clicked face.

const RULES = require('../data/facing.json').rules
const HORIZONTAL = ['north', 'east', 'south', 'west'] // clockwise, seen from above
const TURN = { toward: 2, look: 0, clockwise: 1 }
const OPPOSITE = { north: 'south', south: 'north', east: 'west', west: 'east', up: 'down', down: 'up' }

function facingRule (block) {
  for (const [name, rule] of Object.entries(RULES)) {
    if (rule.blocks.some(b => block === b || (b.startsWith('*') && block.endsWith(b.slice(1))))) return name
  }
  return null
}

// The horizontal direction a player at `eyes` ([x, y, z], floats) faces when it looks at the
// middle of cell `target` ([x, y, z]): the larger horizontal offset; a tie goes to north or
// south (as env/support.py `looking`).
function looking (eyes, target) {
  const dx = target[0] + 0.5 - eyes[0]
  const dz = target[2] + 0.5 - eyes[2]
  if (Math.abs(dx) > Math.abs(dz)) return dx > 0 ? 'east' : 'west'
  return dz > 0 ? 'south' : 'north'
}

// The facing `block` takes when a player looking `look` places it without one, or null (as
// env/facing.py `placed_facing`): `nearest` is the nearest of six directions to the look
// (`look` when not given), `clicked` the clicked face (pointing at the placed cell), `against`
// the clicked block's [name, facing].
function placedFacing (block, look, nearest = null, clicked = null, against = null) {
  const rule = facingRule(block)
  if (rule === null || !HORIZONTAL.includes(look)) return null
  if (rule in TURN) return HORIZONTAL[(HORIZONTAL.indexOf(look) + TURN[rule]) % 4]
  if (rule === 'nearest_look') return nearest || look
  if (rule === 'nearest_toward') return OPPOSITE[nearest || look]
  if (!clicked) return null
  if (rule === 'clicked') return clicked
  if (rule === 'clicked_unless_same') {
    return against && against[0] === block && against[1] === clicked ? OPPOSITE[clicked] : clicked
  }
  if (rule === 'into_clicked') return clicked === 'up' || clicked === 'down' ? 'down' : OPPOSITE[clicked]
  return HORIZONTAL.includes(clicked) ? clicked : OPPOSITE[look] // a trapdoor
}

module.exports = { facingRule, looking, placedFacing, OPPOSITE, HORIZONTAL }
