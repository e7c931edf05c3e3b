'use strict'
// A stock mineflayer bot eats and drinks as on a vanilla server: `bot.consume()` resolves (the
// server ends the use with entity status 9 after 32 ticks), one item goes, the food and
// saturation update (golden apple: nutrition 4, saturation 9.6, edible when full), and drinking
// a milk bucket leaves an empty bucket.
const { connect, give, inventory, waitFor, run } = require('./lib')
const { teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'stockeats')
  await teleport(bot, 60.5, -60, 0.5)
  const start = { food: bot.food, saturation: bot.foodSaturation }
  await give(bot, 'golden_apple', 2)
  await bot.equip(bot.registry.itemsByName.golden_apple.id, 'hand')
  const t0 = Date.now()
  await bot.consume()
  const eatMs = Date.now() - t0
  await waitFor(() => inventory(bot).golden_apple === 1, 3000, 'one apple eaten')
  await waitFor(() => bot.foodSaturation !== start.saturation, 3000, 'the saturation to change')
  const apple = { food: bot.food, saturation: Math.round(bot.foodSaturation * 10) / 10 }
  let fullRefused = null
  await give(bot, 'bread', 1)
  await bot.equip(bot.registry.itemsByName.bread.id, 'hand')
  try { await bot.consume() } catch (err) { fullRefused = err.message }
  await give(bot, 'milk_bucket', 1)
  await bot.equip(bot.registry.itemsByName.milk_bucket.id, 'hand')
  await bot.consume()
  await waitFor(() => inventory(bot).bucket === 1, 3000, 'the empty bucket')
  const after = inventory(bot)
  bot.quit()
  return { start, apple, eatMs, fullRefused, after }
})
