'use strict'
// Crafts a cake at a crafting table: 3 milk buckets, 2 sugar, 1 egg, 3 wheat; the 3 buckets
// come back empty, as in vanilla.
const { connect, give, inventory, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'confectioner')
  const pos = new Vec3(-6, -60, -2)
  bot.chat('/setblock -6 -60 -2 crafting_table')
  await waitFor(() => bot.blockAt(pos)?.name === 'crafting_table', 5000, 'the crafting table')
  for (const [item, n] of [['milk_bucket', 3], ['sugar', 2], ['egg', 1], ['wheat', 3]]) await give(bot, item, n)
  const table = bot.blockAt(pos)
  const recipe = bot.recipesFor(bot.registry.itemsByName.cake.id, null, 1, table)[0]
  if (!recipe) throw new Error('no cake recipe found')
  await bot.craft(recipe, 1, table)
  await sleep(300)
  const result = { client: inventory(bot), server: await serverInventory(bot) }
  bot.quit()
  return result
})
