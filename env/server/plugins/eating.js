'use strict'
// Eating and drinking, as vanilla 1.19.2 does it (flying-squid 1.12.0 has neither):
// - A player who uses (use_item) a food while hungry, a food that can always be eaten (golden
//   apples, chorus fruit, suspicious stew) or a drink (milk bucket, potion, honey bottle)
//   starts using it; after the use time (32 ticks, dried kelp 16, honey 40) the server ends the
//   use with entity status 9 to the player (what mineflayer's `bot.consume()` waits for), takes
//   one item (a drink leaves its container), and raises food and saturation as
//   FoodData.eat does: food = min(20, food + nutrition), saturation = min(food, saturation +
//   nutrition x modifier x 2) (minecraft-data's `foodPoints` and `saturation`).
// - Switching the held slot or releasing the use (player_digging status 5) cancels it.
// - A player starts with 20 food and 5 saturation, as vanilla's FoodData.
// Source: minecraft.wiki/w/Food and /w/Hunger; the item lists are vanilla's Foods/Items.

const TICK_MS = 50
const ALWAYS_EDIBLE = new Set(['golden_apple', 'enchanted_golden_apple', 'chorus_fruit', 'suspicious_stew'])
const DRINKS = { milk_bucket: 'bucket', potion: 'glass_bottle', honey_bottle: 'glass_bottle' }
const BOWLS = { mushroom_stew: 'bowl', rabbit_stew: 'bowl', beetroot_soup: 'bowl', suspicious_stew: 'bowl' }
const USE_TICKS = { dried_kelp: 16, honey_bottle: 40 }

module.exports.player = function (player, serv) {
  const registry = serv.registry
  let using = null

  function cancel () {
    if (using) clearTimeout(using.timer)
    using = null
  }

  function heldSlot () {
    return 36 + (player.heldItemSlot ?? 0)
  }

  function finish (slot, item) {
    using = null
    const now = player.inventory.slots[slot]
    if (!now || now.type !== item.type) return
    player._client.write('entity_status', { entityId: player.id, entityStatus: 9 })
    const food = registry.foodsByName[item.name]
    const left = Number(now.count) - 1
    const Item = require('prismarine-item')(registry)
    const remainder = DRINKS[item.name] || BOWLS[item.name]
    if (left > 0) player.inventory.updateSlot(slot, new Item(now.type, left, now.metadata, now.nbt))
    else player.inventory.updateSlot(slot, remainder ? new Item(registry.itemsByName[remainder].id, 1) : null)
    if (remainder && left > 0 && serv.ccWindows) serv.ccWindows.giveToInventory(player, registry.itemsByName[remainder].id, 1)
    if (food) {
      const level = Math.min(20, (player.food ?? 20) + food.foodPoints)
      const saturation = Math.min(level, (player.foodSaturation ?? 5) + food.saturation)
      player.food = level
      player.updateFoodSaturation(saturation)
    }
  }

  player._client.on('use_item', ({ hand } = {}) => {
    if (hand === 1) return // the off hand is not modelled
    const slot = heldSlot()
    const item = player.inventory.slots[slot]
    if (!item) return
    const drink = item.name in DRINKS
    const food = registry.foodsByName[item.name]
    if (!drink && !food) return
    const hungry = (player.food ?? 20) < 20
    if (!drink && !hungry && !ALWAYS_EDIBLE.has(item.name) && player.gameMode !== 1) return
    cancel()
    const ticks = USE_TICKS[item.name] ?? 32
    using = { slot, timer: setTimeout(() => finish(slot, item), ticks * TICK_MS) }
  })
  player._client.on('held_item_slot', cancel)
  player._client.on('block_dig', ({ status } = {}) => { if (status === 5) cancel() })
  player.on('disconnected', cancel)

  player.once('spawned', () => {
    if (player.food === undefined) player.food = 20
    if (player.foodSaturation === undefined || player.foodSaturation === null) player.foodSaturation = 5
    player.updateHealth(player.health ?? 20)
  })
}
