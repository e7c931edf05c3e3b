'use strict'
// Picking up items on the ground as vanilla 1.19.2 does (../ground.js, env/data/ground_items.json),
// in place of flying-squid 1.12's own pickup (entities.js: the one nearest player within 1.75 of
// the item, one item at a time, all or nothing):
// - every tick, each item whose pickup delay is over goes to the players whose grown box touches
//   it (Player.aiStep: getBoundingBox().inflate(1.0, 0.5, 1.0)), in the order they joined: each
//   takes what fits (part-filled stacks first, then empty slots, hotbar first: Inventory.add) and
//   the rest stays lying (ItemEntity.playerTouch); an item a /give could not fit, only its player;
// - no spectator, dead player or player not yet back with its kept inventory (players.js) picks
//   anything up; nor a player with a container open: it picks up once the container is closed,
//   so that a bot's clicks in the container never meet a slot filled under them (the simulator
//   counts an action's pickups at its end: env/sim/ground.py);
// - every item entity, whoever spawned it, despawns 6000 ticks after it fell (flying-squid's
//   deathTime), its pickup delay taken from flying-squid's pickupTime when it has no other.
// `/drops <x> <y> <z> <radius> [clear]` answers `drops [{"item", "count", "pos"}, ...]`, the item
// entities within radius (x, z within the square, for tests), and with `clear` removes them.

const { UserError } = require('flying-squid')
const { install } = require('./windows_common')
const { DESPAWN_MS, touches } = require('../ground')

module.exports.server = (serv) => {
  const api = install(serv)
  const registry = serv.registry

  const isItem = (e) => e && e.type === 'object' && e.itemId !== undefined

  serv.on('newEntity', (entity) => {
    // spawnObject sets pickupTime and deathTime after this event
    setImmediate(() => {
      if (!isItem(entity)) return
      if (entity.ccReadyAt === undefined) entity.ccReadyAt = (entity.bornTime ?? Date.now()) + (Number(entity.pickupTime) || 0)
      entity.pickupTime = undefined // flying-squid's pickup never runs
      if (!entity.deathTime) entity.deathTime = DESPAWN_MS
    })
  })

  const canPickUp = (player) => player.health > 0 && !player.spectator && player.gameMode !== 3 &&
    player.ccInventoryBack === true && !api.state(player).session && !api.state(player).disconnected

  function setCount (entity, count) {
    entity.itemCount = count
    const slot = (entity.metadata || []).find(m => m.type === 6 && m.value && m.value.present)
    if (!slot) return
    slot.value = { ...slot.value, itemCount: count }
    try {
      entity.sendMetadata(entity.metadata)
    } catch (err) {} // the count is the server's; a client sees the right one on its next spawn
  }

  function touchItem (entity, now) {
    if (!isItem(entity) || entity.ccReadyAt === undefined || now < entity.ccReadyAt) return
    for (const player of serv.players) {
      if (player.world !== entity.world || !canPickUp(player)) continue
      if (entity.ccOwner && entity.ccOwner !== player.username) continue
      if (!touches(player.position, entity.position)) continue
      const count = Number(entity.itemCount ?? 1)
      const left = api.giveToInventory(player, entity.itemId, count)
      if (left === count) continue
      entity._writeOthersNearby('collect', { collectedEntityId: entity.id, collectorEntityId: player.id, pickupItemCount: count - left })
      if (left === 0) {
        entity.destroy()
        return
      }
      setCount(entity, left)
    }
  }

  serv.on('tick', () => {
    const now = Date.now()
    for (const entity of Object.values(serv.entities)) {
      try {
        touchItem(entity, now)
      } catch (err) {
        process.stderr.write(`picking up item ${entity.id} failed: ${err && err.stack ? err.stack : err}\n`)
      }
    }
  })

  serv.commands.add({
    base: 'drops',
    info: 'the item entities near a position, as JSON (clear: remove them)',
    usage: '/drops <x> <y> <z> <radius> [clear]',
    op: true,
    parse (str) {
      const args = str.trim().split(/\s+/)
      if (args.length < 4 || args.length > 5) return false
      const nums = args.slice(0, 4).map(Number)
      if (nums.some(v => !Number.isFinite(v))) throw new UserError(`x y z radius must be numbers, got ${args.slice(0, 4).join(' ')}`)
      if (args[4] !== undefined && args[4] !== 'clear') throw new UserError(`the last word may only be clear, got ${JSON.stringify(args[4])}`)
      return { nums, clear: args[4] === 'clear' }
    },
    action ({ nums: [x, y, z, r], clear }, ctx) {
      const found = Object.values(serv.entities).filter(e => isItem(e) &&
        Math.abs(e.position.x - x) <= r && Math.abs(e.position.y - y) <= r && Math.abs(e.position.z - z) <= r)
      const out = found.map(e => ({
        item: registry.items[e.itemId] ? registry.items[e.itemId].name : String(e.itemId),
        count: Number(e.itemCount ?? 1),
        pos: [e.position.x, e.position.y, e.position.z].map(v => Math.round(v * 1000) / 1000)
      }))
      if (clear) for (const e of found) e.destroy()
      const text = 'drops ' + JSON.stringify(out)
      if (ctx.player) ctx.player.chat({ text })
      else serv.info(text)
    }
  })
}
