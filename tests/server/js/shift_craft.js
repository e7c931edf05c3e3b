'use strict'
// Raw clicks as a vanilla client sends them: 3 logs into the 2x2 grid, then one shift-click on
// the result crafts all three (the server's answer corrects mineflayer's single-craft guess).
const { connect, give, serverInventory, run } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'shifter')
  await give(bot, 'oak_log', 3)
  const logSlot = bot.inventory.findInventoryItem(bot.registry.itemsByName.oak_log.id).slot
  await bot.clickWindow(logSlot, 0, 0) // pick up the 3 logs
  await bot.clickWindow(1, 0, 0) // put them in the grid's first slot
  const resultShown = bot.inventory.slots[0] ? `${bot.inventory.slots[0].name}:${bot.inventory.slots[0].count}` : null
  await bot.clickWindow(0, 0, 1) // shift-click the result
  const inventory = await serverInventory(bot)
  const grid = bot.inventory.slots.slice(0, 5).map(i => (i ? `${i.name}:${i.count}` : null))
  const cursor = bot.inventory.selectedItem
  bot.quit()
  return { resultShown, inventory, grid, cursor }
})
