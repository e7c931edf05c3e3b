'use strict'
// A bot with items moves, leaves and joins again under the same name: it gets its inventory
// and position back.
const { connect, give, inventory, serverInventory, waitFor, sleep, run } = require('./lib')

run(async (port) => {
  let bot = await connect(port, 'returner')
  await give(bot, 'bread', 3)
  await give(bot, 'oak_log', 70)
  bot.chat('/teleport returner 7 -60 9')
  await waitFor(() => bot.entity.position.x === 7 && bot.entity.position.z === 9, 5000, 'the teleport')
  const before = { position: bot.entity.position.toArray(), inventory: inventory(bot) }
  bot.quit()
  await sleep(500)
  bot = await connect(port, 'returner')
  await waitFor(() => bot.inventory.items().length >= 3, 5000, 'the inventory back')
  const after = { position: bot.entity.position.toArray(), inventory: await serverInventory(bot) }
  bot.quit()
  return { before, after }
})
