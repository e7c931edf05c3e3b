'use strict'
// A stock mineflayer bot uses a chest as on a vanilla server: the lid opens for every player
// near (block action 1 with the number of players looking in: chestLidMove), deposit and
// withdraw land, and closing the window closes the lid (chestLidMove back to 0) for the
// player and for another player watching, so `bot.closeWindow` and mineflayer's chest tests end.
const { connect, give, inventory, waitFor, run, Vec3 } = require('./lib')
const { teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'stockchest')
  const watcher = await connect(port, 'chestwatch')
  await teleport(bot, 40.5, -60, 0.5)
  await teleport(watcher, 42.5, -60, 0.5)
  const pos = new Vec3(41, -60, 2)
  bot.chat('/setblock 41 -60 2 chest[facing=north]')
  await waitFor(() => bot.blockAt(pos) && bot.blockAt(pos).name === 'chest', 5000, 'the chest')
  await waitFor(() => watcher.blockAt(pos) && watcher.blockAt(pos).name === 'chest', 5000, 'the chest (watcher)')
  const lids = { bot: [], watcher: [] }
  bot.on('chestLidMove', (block, open) => lids.bot.push(open))
  watcher.on('chestLidMove', (block, open) => lids.watcher.push(open))
  await give(bot, 'bone', 3)
  const chest = await bot.openContainer(bot.blockAt(pos))
  await waitFor(() => lids.bot.length === 1 && lids.watcher.length === 1, 3000, 'the lid to open')
  await chest.deposit(bot.registry.itemsByName.bone.id, null, 2)
  await chest.withdraw(bot.registry.itemsByName.bone.id, null, 1)
  const held = chest.containerItems().map(i => [i.name, i.count])
  const closed = new Promise(resolve => bot.once('windowClose', resolve))
  chest.close()
  await closed
  await waitFor(() => lids.bot.length === 2 && lids.watcher.length === 2, 3000, 'the lid to close')
  const after = inventory(bot)
  bot.quit()
  watcher.quit()
  return { lids, held, after }
})
