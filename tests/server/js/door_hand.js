'use strict'
// A wooden door opens and closes by hand, both halves, from either half; a trapdoor and a fence
// gate toggle; an oak_door item places both halves and breaking one half removes the other.
const { connect, give, sleep, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'door_bot')
  await teleport(bot, -1.5, -60, -16.5)
  const lower = new Vec3(-2, -60, -14)
  const upper = new Vec3(-2, -59, -14)
  bot.chat('/setblock -2 -60 -14 oak_door[facing=north,half=lower]')
  bot.chat('/setblock -2 -59 -14 oak_door[facing=north,half=upper]')
  bot.chat('/setblock 0 -60 -14 oak_trapdoor[facing=north]')
  bot.chat('/setblock 2 -60 -14 oak_fence_gate[facing=north]')
  await waitForState(bot, new Vec3(2, -60, -14), 'oak_fence_gate')
  await waitForState(bot, upper, 'oak_door')
  const openOf = async () => [(await serverState(bot, lower)).properties.open, (await serverState(bot, upper)).properties.open]

  await bot.activateBlock(bot.blockAt(lower))
  await waitForState(bot, upper, 'oak_door', { open: true })
  const openedFromLower = await openOf()
  await bot.activateBlock(bot.blockAt(upper))
  await waitForState(bot, lower, 'oak_door', { open: false })
  const closedFromUpper = await openOf()

  await bot.activateBlock(bot.blockAt(new Vec3(0, -60, -14)))
  await waitForState(bot, new Vec3(0, -60, -14), 'oak_trapdoor', { open: true })
  const trapdoor = await serverState(bot, new Vec3(0, -60, -14))
  await bot.activateBlock(bot.blockAt(new Vec3(2, -60, -14)))
  await waitForState(bot, new Vec3(2, -60, -14), 'oak_fence_gate', { open: true })
  const gate = await serverState(bot, new Vec3(2, -60, -14))

  // Place a door from the item on the grass at z=13, then break its upper half.
  await give(bot, 'oak_door', 1)
  await bot.equip(bot.registry.itemsByName.oak_door.id, 'hand')
  await bot.placeBlock(bot.blockAt(new Vec3(-2, -61, -11)), new Vec3(0, 1, 0))
  await waitForState(bot, new Vec3(-2, -59, -11), 'oak_door')
  const placed = [(await serverState(bot, new Vec3(-2, -60, -11))).properties.half, (await serverState(bot, new Vec3(-2, -59, -11))).properties.half]
  await bot.dig(bot.blockAt(new Vec3(-2, -59, -11)))
  await waitForState(bot, new Vec3(-2, -60, -11), 'air')
  await sleep(100)
  const afterBreak = [(await serverState(bot, new Vec3(-2, -60, -11))).name, (await serverState(bot, new Vec3(-2, -59, -11))).name]
  bot.quit()
  return { openedFromLower, closedFromUpper, trapdoor, gate, placed, afterBreak }
})
