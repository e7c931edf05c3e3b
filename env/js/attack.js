'use strict'
// Melee attacks as vanilla 1.19.2 deals them (env/data/attack.json, the file env/attack.py
// reads): damage(item) half-hearts a full-strength hit takes, weapon(items) the item a bot
// attacks with (highest damage, then faster, then first name; null for the hand),
// hitInterval(item) seconds between hits (full recharge, at least the hurt invulnerability).

const DATA = require('../data/attack.json')

function stats (item) {
  return (item && DATA.items[item]) || DATA.hand
}

function damage (item) {
  return stats(item).damage
}

// `items`: [{ name, count }] as mineflayer's bot.inventory.items() gives them.
function weapon (items) {
  let best = null
  for (const { name, count } of items) {
    if (count <= 0 || !DATA.items[name] || DATA.items[name].damage <= DATA.hand.damage) continue
    const s = DATA.items[name]
    if (!best || s.damage > best.damage || (s.damage === best.damage &&
        (s.speed > best.speed || (s.speed === best.speed && name < best.name)))) best = { name, ...s }
  }
  return best ? best.name : null
}

function hitInterval (item) {
  return Math.max(DATA.hurt_invulnerability_s, 1 / stats(item).speed)
}

module.exports = { DATA, damage, weapon, hitInterval, HURT_INVULNERABILITY_S: DATA.hurt_invulnerability_s }
