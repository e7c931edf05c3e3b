'use strict'
// A stock mineflayer bot digs as on a vanilla server: `bot.dig` resolves after the block's
// break time, the block becomes air for it and for another player, and the drop is picked up
// (dirt by hand: 0.75 s; stone with a wooden pickaxe: 1.15 s, drops cobblestone).
const { connect, give, inventory, waitFor, run, Vec3 } = require('./lib')
const { teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'stockdigs')
  const watcher = await connect(port, 'digwatch')
  await teleport(bot, 70.5, -60, 0.5)
  await teleport(watcher, 72.5, -60, 0.5)
  const dirt = new Vec3(70, -60, 1)
  const stone = new Vec3(71, -60, 1)
  bot.chat('/setblock 70 -60 1 dirt')
  bot.chat('/setblock 71 -60 1 stone')
  await waitFor(() => bot.blockAt(stone) && bot.blockAt(stone).name === 'stone', 5000, 'the blocks')
  const times = {}
  let t0 = Date.now()
  await bot.dig(bot.blockAt(dirt), true)
  times.dirt = Date.now() - t0
  await give(bot, 'wooden_pickaxe', 1)
  await bot.equip(bot.registry.itemsByName.wooden_pickaxe.id, 'hand')
  t0 = Date.now()
  await bot.dig(bot.blockAt(stone), true)
  times.stone = Date.now() - t0
  await waitFor(() => watcher.blockAt(stone).name === 'air' && watcher.blockAt(dirt).name === 'air', 3000, 'air for the watcher')
  await waitFor(() => inventory(bot).cobblestone === 1 && inventory(bot).dirt === 1, 5000, 'the drops picked up')
  const after = inventory(bot)
  bot.quit()
  watcher.quit()
  return { times, after }
})
