'use strict'
// Cooks one beef with one coal in a furnace (10 s), takes the steak, and reports what the
// furnace window showed on the way.
const { connect, give, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'cook')
  const pos = new Vec3(-2, -60, -4)
  bot.chat('/setblock -2 -60 -4 furnace')
  await waitFor(() => bot.blockAt(pos)?.name === 'furnace', 5000, 'the furnace')
  await give(bot, 'beef', 1)
  await give(bot, 'coal', 1)
  const reg = bot.registry
  const furnace = await bot.openFurnace(bot.blockAt(pos))
  await furnace.putFuel(reg.itemsByName.coal.id, null, 1)
  await furnace.putInput(reg.itemsByName.beef.id, null, 1)
  const started = Date.now()
  await waitFor(() => furnace.totalFuel !== null && furnace.totalFuel > 0, 3000, 'the fire')
  const totalFuelTicks = furnace.totalFuel
  const totalProgressTicks = furnace.totalProgress
  await sleep(1000)
  const litWhileCooking = bot.blockAt(pos).getProperties().lit
  const progressAfterOneSecond = furnace.progress
  await waitFor(() => furnace.outputItem()?.name === 'cooked_beef', 60000, 'the steak')
  const cookSeconds = (Date.now() - started) / 1000
  const slotsWhenDone = [furnace.inputItem(), furnace.fuelItem(), furnace.outputItem()].map(i => (i ? `${i.name}:${i.count}` : null))
  await furnace.takeOutput()
  furnace.close()
  await sleep(200)
  const result = {
    totalFuelTicks,
    totalProgressTicks,
    litWhileCooking,
    progressAfterOneSecond,
    cookSeconds,
    slotsWhenDone,
    inventory: await serverInventory(bot)
  }
  bot.quit()
  return result
})
