'use strict'
// Support (env/server/plugins/support.js) with a stock mineflayer bot clicking as a player does:
// seeds clicked onto grass plant nothing, onto farmland wheat; a lever clicked onto a stone's
// side hangs on that wall (face=wall, facing away from it), a ladder clicked onto its north side
// faces north; breaking the stone pops the torch on top of it, the lever and the ladder, and
// their items go to the breaker.
const { connect, sleep, inventory, serverInventory, give, waitFor, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'propper')
  await teleport(bot, -39.5, -60, 40.5)
  bot.chat('/setblock -38 -61 42 farmland')
  bot.chat('/setblock -37 -60 42 stone')
  bot.chat('/setblock -37 -59 42 torch')
  await waitForState(bot, new Vec3(-37, -59, 42), 'torch')
  for (const [item, n] of [['wheat_seeds', 2], ['lever', 1], ['ladder', 1], ['wooden_pickaxe', 1]]) await give(bot, item, n)
  await waitFor(() => inventory(bot).wooden_pickaxe === 1, 5000, 'the items')
  const click = async (item, ref, face) => {
    await bot.equip(bot.inventory.items().find(i => i.name === item), 'hand')
    await bot.lookAt(ref.offset(0.5 + face.x / 2, 0.5 + face.y / 2, 0.5 + face.z / 2), true)
    await bot._genericPlace(bot.blockAt(ref), face, { forceLook: 'ignore' })
    await sleep(700)
  }
  const out = {}
  await click('wheat_seeds', new Vec3(-39, -61, 42), new Vec3(0, 1, 0))
  out.seedsOnGrass = (await serverState(bot, new Vec3(-39, -60, 42))).name
  await click('wheat_seeds', new Vec3(-38, -61, 42), new Vec3(0, 1, 0))
  out.seedsOnFarmland = (await serverState(bot, new Vec3(-38, -60, 42))).name
  await click('lever', new Vec3(-37, -60, 42), new Vec3(1, 0, 0))
  out.lever = await serverState(bot, new Vec3(-36, -60, 42))
  await click('ladder', new Vec3(-37, -60, 42), new Vec3(0, 0, -1))
  out.ladder = await serverState(bot, new Vec3(-37, -60, 41))
  out.before = inventory(bot)
  await bot.equip(bot.inventory.items().find(i => i.name === 'wooden_pickaxe'), 'hand')
  await bot.dig(bot.blockAt(new Vec3(-37, -60, 42)))
  await waitForState(bot, new Vec3(-37, -59, 42), 'air')
  await waitFor(() => inventory(bot).ladder === 1 && inventory(bot).torch === 1, 5000, 'the popped items')
  await sleep(300)
  out.left = []
  for (const p of [[-37, -59, 42], [-36, -60, 42], [-37, -60, 41]]) out.left.push((await serverState(bot, new Vec3(...p))).name)
  out.after = await serverInventory(bot)
  bot.quit()
  return out
})
