'use strict'
// Loot with its conditions, by hand: glass, a glass pane and ice drop nothing; leaves broken
// N times (arg 1) never drop the leaves block, only now and then a sapling, stick or apple;
// with shears in hand, leaves drop themselves.
const { connect, sleep, inventory, serverInventory, waitFor, give, run, Vec3 } = require('./lib')
const { waitForState, teleport } = require('./world_lib')

run(async (port, args) => {
  const times = Number(args[0] ?? 30)
  const bot = await connect(port, 'looter')
  await teleport(bot, 20.5, -60, -20.5)
  const dig = async (name, dx = 0) => {
    const pos = new Vec3(21 + dx, -60, -20)
    bot.chat(`/setblock ${pos.x} ${pos.y} ${pos.z} ${name}`)
    await waitForState(bot, pos, name)
    await bot.dig(bot.blockAt(pos))
    await waitForState(bot, pos, 'air')
    await sleep(250) // the server finishes the break (and hands the drops over) before the next
  }
  for (const [i, name] of ['glass', 'glass_pane', 'ice'].entries()) await dig(name, i - 2)
  await sleep(500)
  const afterGlassAndIce = await serverInventory(bot)
  for (let i = 0; i < times; i++) await dig('oak_leaves', 1)
  await sleep(500)
  const afterLeavesByHand = await serverInventory(bot)
  await give(bot, 'shears', 1)
  await bot.equip(bot.registry.itemsByName.shears.id, 'hand')
  await dig('oak_leaves', 1)
  await waitFor(() => (inventory(bot).oak_leaves ?? 0) === 1, 5000, 'the leaves block')
  const withShears = await serverInventory(bot)
  bot.quit()
  return { afterGlassAndIce, afterLeavesByHand, withShears }
})
