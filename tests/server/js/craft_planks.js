'use strict'
// Crafts 4 oak planks from a log, then a crafting table from 4 planks, in the 2x2 grid.
const { connect, give, inventory, serverInventory, run } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'crafter')
  await give(bot, 'oak_log', 2)
  const reg = bot.registry
  const planks = bot.recipesFor(reg.itemsByName.oak_planks.id, null, 1, null)[0]
  await bot.craft(planks, 1, null)
  const afterPlanks = inventory(bot)
  const table = bot.recipesFor(reg.itemsByName.crafting_table.id, null, 1, null)[0]
  await bot.craft(table, 1, null)
  const afterTable = inventory(bot)
  const server = await serverInventory(bot)
  bot.quit()
  return { afterPlanks, afterTable, server }
})
