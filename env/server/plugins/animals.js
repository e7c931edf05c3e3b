'use strict'
// Animals: vanilla health, damage, loot on death and milking. Every entity (animals, dropped items):
// physics steps of one tick at most.
// - A living entity that dies gives its loot (env/data/loot.json's entities, the game's loot
//   tables, through env/js/loot.js: counts rolled, a cow 1-3 beef and 0-2 leather): killed by a
//   player, the items go into that player's inventory; otherwise (/kill) they drop as item
//   entities where it died.
//   The body is removed for every client one second after death, as vanilla does.
// - A player's hit takes the vanilla damage of the item in the main hand (env/data/attack.json
//   through env/js/attack.js: the hand 1, a wooden sword 4, a stone sword 5...; flying-squid
//   takes 1 whatever is held). A mob just hit is invulnerable for 10 ticks: a hit then takes
//   only what it deals beyond the last hit (LivingEntity.hurt, invulnerableTime > 10).
// - Using an empty bucket on a cow, mooshroom or goat turns one bucket into a milk_bucket
//   (ItemUtils.createFilledResult): a last bucket in place, else the milk bucket goes into the
//   inventory or, with no room, lies at the feet (../ground.js).
// Event: serv.on('animalKilled', ({ entity, player, drops }) => ...), drops = [[item, count], ...].

const { DESPAWN_MS, delayMs } = require('../ground')
const { guarded, giveItem } = require('../blockstate')
const loot = require('../../js/loot')
const attack = require('../../js/attack')

// Vanilla max health (half-hearts, env/data/animals.json); other living entities keep
// flying-squid's 20.
const MAX_HEALTH = require('../../data/animals.json').max_health
const MILKABLE = new Set(['cow', 'mooshroom', 'goat'])
const DEATH_ANIMATION_MS = 1000
const MOUSE_INTERACT = 0
const HAND_OFF = 1

module.exports.server = (serv) => {
  const registry = serv.registry

  function onDeath (entity) {
    const killer = entity.lastAttacker
    const alive = killer && serv.players.includes(killer)
    const drops = loot.entityDrops(entity.name, Boolean(alive))
    for (const [item, count] of drops) {
      if (alive) {
        giveItem(serv, killer, item, count)
        continue
      }
      for (let i = 0; i < count; i++) {
        serv.spawnObject(registry.entitiesByName.item.id, entity.world, entity.position.clone(), {
          itemId: registry.itemsByName[item].id, itemCount: 1, pickupTime: delayMs('block_drop'), deathTime: DESPAWN_MS
        })
      }
    }
    serv.emit('animalKilled', { entity, player: alive ? killer : null, drops })
    setTimeout(() => serv.destroyEntity(entity), DEATH_ANIMATION_MS)
  }

  serv.on('newEntity', (entity) => {
    // One physics step covers at most one game tick, as vanilla's fixed 20 ticks a second do:
    // flying-squid steps by the wall time since the last step, and on a busy machine a long
    // step let a falling cow, or a dropped item, pass through the ground (found at y -181,
    // out of reach).
    setImmediate(() => {
      const step = entity.calculatePhysics
      if (!step) return
      entity.calculatePhysics = (delta) => step(Math.min(delta, TICK_S))
    })
    if (entity.type !== 'mob') return
    // spawnMob and /summon set the name and health after this event.
    setImmediate(() => {
      if (MAX_HEALTH[entity.name] !== undefined) entity.health = MAX_HEALTH[entity.name]
    })
    // flying-squid's knockback can exceed what the velocity packet's 16-bit fields hold (the
    // write then fails and the player is dropped): keep it within vanilla's range.
    setImmediate(() => {
      const sendVelocity = entity.sendVelocity
      if (!sendVelocity) return
      entity.sendVelocity = (vel, maxVel) => sendVelocity(clampVelocity(vel), maxVel)
    })
    const takeDamage = entity.takeDamage
    let hurtAt = -Infinity
    let lastHurt = 0
    entity.takeDamage = (options) => {
      const wasAlive = entity.health > 0
      const damage = options.damage ?? 1
      const now = Date.now()
      // in whole game ticks, as vanilla counts it (a hit 10 ticks after the last lands)
      if (Math.round((now - hurtAt) / (TICK_S * 1000)) < attack.HURT_INVULNERABILITY_S / TICK_S) {
        if (damage <= lastHurt) return
        options = { ...options, damage: damage - lastHurt }
        lastHurt = damage
      } else {
        hurtAt = now
        lastHurt = damage
      }
      const result = takeDamage(options)
      if (wasAlive && entity.health <= 0) guarded(`the loot of ${entity.name}`, onDeath)(entity)
      return result
    }
  })
}

const MAX_SPEED = 8 // blocks per second, about vanilla's strongest knockback
const TICK_S = 0.05

function clampVelocity (vel) {
  const clamp = (v) => Math.max(-MAX_SPEED, Math.min(MAX_SPEED, v))
  return vel.constructor ? new vel.constructor(clamp(vel.x), clamp(vel.y), clamp(vel.z)) : vel
}

module.exports.player = (player, serv) => {
  player.on('attack', (data, cancelled) => {
    const { attackedEntity } = data
    if (cancelled || !attackedEntity || attackedEntity.type === 'player') return
    attackedEntity.lastAttacker = player
    const held = player.inventory.slots[36 + player.heldItemSlot]
    data.damage = attack.damage(held ? held.name : null)
  })

  player._client.on('use_entity', guarded('milking', ({ target, mouse, hand }) => {
    if (mouse !== MOUSE_INTERACT) return
    const entity = serv.entities[target]
    if (!entity || !MILKABLE.has(entity.name) || entity.health <= 0) return
    const slot = hand === HAND_OFF ? 45 : 36 + player.heldItemSlot
    const held = player.inventory.slots[slot]
    if (!held || held.name !== 'bucket') return
    if (held.count === 1) {
      const Item = require('prismarine-item')(serv.registry)
      player.inventory.updateSlot(slot, new Item(serv.registry.itemsByName.milk_bucket.id, 1))
    } else {
      held.count -= 1
      player.inventory.updateSlot(slot, held)
      giveItem(serv, player, 'milk_bucket', 1, 'player_drop') // no room: at the feet (Player.drop)
    }
    serv.emit('animalMilked', { entity, player })
  }))
}
