'use strict'
// Breaking mature wheat gives 1 wheat and 2 wheat_seeds, unripe wheat 1 wheat_seeds, a carrot
// crop 2 carrots, and a 3-high sugar cane broken at its foot 3 sugar_cane; the blocks go.
const { connect, sleep, inventory, serverInventory, waitFor, run, Vec3 } = require('./lib')
const { waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'farmer')
  await teleport(bot, -13.5, -60, 14.5)
  bot.chat('/fill -14 -61 16 -10 -61 16 farmland')
  bot.chat('/setblock -14 -60 16 wheat[age=7]')
  bot.chat('/setblock -13 -60 16 wheat[age=3]')
  bot.chat('/setblock -12 -60 16 carrots[age=7]')
  bot.chat('/setblock -10 -61 18 sand')
  bot.chat('/fill -10 -60 18 -10 -58 18 sugar_cane')
  await waitForState(bot, new Vec3(-10, -58, 18), 'sugar_cane')
  const steps = {}
  const harvest = async (label, pos, name) => {
    await waitForState(bot, pos, name)
    const before = JSON.stringify(inventory(bot))
    await bot.dig(bot.blockAt(pos))
    await waitForState(bot, pos, 'air')
    await waitFor(() => JSON.stringify(inventory(bot)) !== before, 5000, `the drops of ${label}`)
    await sleep(300) // each item kind arrives in its own slot update
    steps[label] = inventory(bot)
  }
  await harvest('matureWheat', new Vec3(-14, -60, 16), 'wheat')
  await harvest('unripeWheat', new Vec3(-13, -60, 16), 'wheat')
  await harvest('carrots', new Vec3(-12, -60, 16), 'carrots')
  await harvest('sugarCane', new Vec3(-10, -60, 18), 'sugar_cane')
  await waitForState(bot, new Vec3(-10, -58, 18), 'air')
  steps.caneLeft = [-59, -58].map(y => bot.blockAt(new Vec3(-10, y, 18)).name)
  steps.server = await serverInventory(bot)
  bot.quit()
  return steps
})
