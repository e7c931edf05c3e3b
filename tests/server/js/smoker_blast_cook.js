'use strict'
// Stock mineflayer at a smoker and a blast furnace (bot.openFurnace takes both): one beef in
// the smoker on one coal, then beef refused by the blast furnace's fire (no blasting recipe)
// and one raw iron smelted there; reports what each window showed.
const { connect, give, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

const slots = w => [w.inputItem(), w.fuelItem(), w.outputItem()].map(i => (i ? `${i.name}:${i.count}` : null))

async function cook (bot, pos, item) {
  const reg = bot.registry
  const window = await bot.openFurnace(bot.blockAt(pos))
  await window.putFuel(reg.itemsByName.coal.id, null, 1)
  await window.putInput(reg.itemsByName[item].id, null, 1)
  const started = Date.now()
  await waitFor(() => window.totalFuel !== null && window.totalFuel > 0, 3000, 'the fire')
  const seen = { type: window.type, totalFuelTicks: window.totalFuel, totalProgressTicks: window.totalProgress }
  await waitFor(() => window.outputItem() !== null, 30000, 'the output')
  seen.cookSeconds = (Date.now() - started) / 1000
  seen.slotsWhenDone = slots(window)
  await window.takeOutput()
  window.close()
  await sleep(200)
  return seen
}

run(async (port) => {
  const bot = await connect(port, 'smoke')
  const smoker = new Vec3(-6, -60, -4)
  const blast = new Vec3(-8, -60, -4)
  bot.chat('/setblock -6 -60 -4 smoker')
  bot.chat('/setblock -8 -60 -4 blast_furnace')
  await waitFor(() => bot.blockAt(smoker)?.name === 'smoker' && bot.blockAt(blast)?.name === 'blast_furnace', 5000, 'the stations')
  await give(bot, 'beef', 2)
  await give(bot, 'coal', 3)
  await give(bot, 'raw_iron', 1)
  const reg = bot.registry
  const smoked = await cook(bot, smoker, 'beef')

  // A blast furnace has no recipe for beef: its fire is not lit, the coal stays.
  let window = await bot.openFurnace(bot.blockAt(blast))
  await window.putFuel(reg.itemsByName.coal.id, null, 1)
  await window.putInput(reg.itemsByName.beef.id, null, 1)
  await sleep(1500)
  const beefInBlast = { slots: slots(window), lit: bot.blockAt(blast).getProperties().lit, progress: window.progress }
  await window.takeInput()
  await window.takeFuel()
  window.close()
  await sleep(200)
  const blasted = await cook(bot, blast, 'raw_iron')
  const result = { smoked, beefInBlast, blasted, inventory: await serverInventory(bot) }
  bot.quit()
  return result
})
