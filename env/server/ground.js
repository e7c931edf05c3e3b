'use strict'
// Items on the ground, as vanilla 1.19.2 keeps them (env/data/ground_items.json, which
// env/ground.py reads for the simulator too): what does not fit a player's inventory lies at its
// feet as an item entity; a player picks it up when its box grown by 1 block on x and z and 0.5
// on y meets the item's, its pickup delay is over (a block's drop 10 ticks, a player's drop 40,
// a /give's overflow none and for that player only) and there is room; it despawns after 6000
// ticks. The pickups themselves are ./plugins/ground_items.js's. Not a plugin: plugins require it.

const { Vec3 } = require('vec3')
const GROUND = require('../data/ground_items.json')

const TICK_MS = 1000 / GROUND.ticks_per_second
const DESPAWN_MS = GROUND.despawn_ticks * TICK_MS
const REACH_XZ = GROUND.player_box.width / 2 + GROUND.pickup_inflate.horizontal + GROUND.item_box.width / 2
const BELOW = GROUND.pickup_inflate.vertical + GROUND.item_box.height
const ABOVE = GROUND.player_box.height + GROUND.pickup_inflate.vertical

/** Milliseconds before an item dropped as `kind` (block_drop, player_drop, give_overflow) can be picked up. */
function delayMs (kind) {
  const ticks = GROUND.pickup_delay_ticks[kind]
  if (ticks === undefined) throw new Error(`unknown drop kind ${JSON.stringify(kind)}; kinds: ${Object.keys(GROUND.pickup_delay_ticks).join(', ')}`)
  return ticks * TICK_MS
}

/** Whether a player with its feet at `feet` touches an item lying at `item` (env/ground.py touches). */
function touches (feet, item) {
  const dy = item.y - feet.y
  return Math.abs(item.x - feet.x) < REACH_XZ && Math.abs(item.z - feet.z) < REACH_XZ && dy > -BELOW && dy < ABOVE
}

/**
 * Drops `count` of item type `itemId` at `player`'s feet, one entity per stack, as `kind`
 * says (its pickup delay; a give's overflow only `player` may take). Starts 0.3 below the eyes
 * (Player.drop) and falls: one started level with the feet falls through the floor in
 * flying-squid's physics. Returns the entities.
 */
function dropAtFeet (serv, player, itemId, count, kind) {
  const stack = serv.registry.items[itemId].stackSize
  const ready = Date.now() + delayMs(kind)
  const out = []
  for (let left = count; left > 0;) {
    const n = Math.min(left, stack)
    left -= n
    const entity = serv.spawnObject(serv.registry.entitiesByName.item.id, player.world,
      player.position.offset(0, GROUND.drop_height, 0), {
        velocity: new Vec3(0, 0, 0), itemId, itemCount: n, deathTime: DESPAWN_MS
      })
    entity.ccReadyAt = ready
    entity.ccOwner = kind === 'give_overflow' ? player.username : null
    out.push(entity)
  }
  return out
}

/**
 * Drops `count` of item `item` (a name) in block `cell` ([x, y, z]) as a broken block's drop
 * (Block.popResource, FallingBlockEntity.spawnAtLocation): one item entity a stack, a block
 * drop's pickup delay, starting at the cell's middle and falling onto the first block below
 * in flying-squid's physics (the simulator lays it there at once: env/gravity.py
 * rest_height). An unknown item drops nothing.
 */
function dropInCell (serv, world, cell, item, count) {
  const type = serv.registry.itemsByName[item]
  if (!type) return
  for (let left = count; left > 0;) {
    const n = Math.min(left, type.stackSize)
    left -= n
    serv.spawnObject(serv.registry.entitiesByName.item.id, world, new Vec3(cell[0] + 0.5, cell[1] + 0.5, cell[2] + 0.5), {
      velocity: new Vec3(0, 0, 0), itemId: type.id, itemCount: n, pickupTime: delayMs('block_drop'), deathTime: DESPAWN_MS
    })
  }
}

module.exports = { GROUND, TICK_MS, DESPAWN_MS, delayMs, touches, dropAtFeet, dropInCell }
