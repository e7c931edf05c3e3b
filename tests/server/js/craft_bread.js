'use strict'
// Crafts bread twice at a crafting table from 7 wheat (3 per bread).
const { connect, give, inventory, serverInventory, waitFor, run, Vec3 } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'baker')
  const pos = new Vec3(-4, -60, -2)
  bot.chat('/setblock -4 -60 -2 crafting_table')
  await waitFor(() => bot.blockAt(pos)?.name === 'crafting_table', 5000, 'the crafting table')
  await give(bot, 'wheat', 7)
  const table = bot.blockAt(pos)
  const recipe = bot.recipesFor(bot.registry.itemsByName.bread.id, null, 1, table)[0]
  if (!recipe) throw new Error('no bread recipe found')
  const needsTable = recipe.requiresTable
  await bot.craft(recipe, 2, table)
  const result = { needsTable, client: inventory(bot), server: await serverInventory(bot) }
  bot.quit()
  return result
})
