'use strict'
// Using a bucket on a summoned cow turns the bucket into a milk_bucket; a second empty bucket
// of a stack of 2 is milked into a new slot.
const { connect, give, inventory, serverInventory, waitFor, run } = require('./lib')
const { ask, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'milker')
  await teleport(bot, 22.5, -60, 0.5)
  await ask(bot, '/summon cow 22.5 -60 2.5', 'Summoned')
  await waitFor(() => bot.nearestEntity(e => e.name === 'cow'), 5000, 'the cow')
  const cow = bot.nearestEntity(e => e.name === 'cow')
  await give(bot, 'bucket', 1)
  await bot.equip(bot.registry.itemsByName.bucket.id, 'hand')
  await bot.activateEntity(cow)
  await waitFor(() => inventory(bot).milk_bucket === 1, 5000, 'a milk bucket')
  const one = inventory(bot)
  await give(bot, 'bucket', 2)
  await bot.equip(bot.registry.itemsByName.bucket.id, 'hand')
  await bot.activateEntity(cow)
  await waitFor(() => inventory(bot).milk_bucket === 2, 5000, 'two milk buckets')
  const two = inventory(bot)
  const server = await serverInventory(bot)
  bot.quit()
  return { one, two, server }
})
