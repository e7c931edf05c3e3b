'use strict'
// An iron door ignores a hand and opens while a lever next to it is on; a lever on the wall
// beside a door opens it through the wall block; a lever 3 blocks away does nothing.
const { connect, sleep, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'lever_bot')
  await teleport(bot, -13.5, -60, -16.5)
  const lower = new Vec3(-14, -60, -14)
  const upper = new Vec3(-14, -59, -14)
  const lever = new Vec3(-13, -60, -14)
  bot.chat('/setblock -14 -60 -14 iron_door[facing=south,half=lower]')
  bot.chat('/setblock -14 -59 -14 iron_door[facing=south,half=upper]')
  bot.chat('/setblock -13 -60 -14 lever[face=floor,facing=north]')
  await waitForState(bot, lever, 'lever')
  await waitForState(bot, upper, 'iron_door')
  const door = async () => ({ lower: await serverState(bot, lower), upper: await serverState(bot, upper) })

  await bot.activateBlock(bot.blockAt(lower))
  await sleep(300)
  const afterHand = await door()

  await bot.activateBlock(bot.blockAt(lever))
  await waitForState(bot, upper, 'iron_door', { open: true })
  const leverOn = { lever: await serverState(bot, lever), ...(await door()) }

  await bot.activateBlock(bot.blockAt(lever))
  await waitForState(bot, upper, 'iron_door', { open: false })
  const leverOff = { lever: await serverState(bot, lever), ...(await door()) }

  // Through a wall: oak door at x=10, stone at x=11, lever on the stone's south face.
  const wallDoor = new Vec3(-14, -60, -10)
  bot.chat('/setblock -14 -60 -10 oak_door[facing=east,half=lower]')
  bot.chat('/setblock -14 -59 -10 oak_door[facing=east,half=upper]')
  bot.chat('/setblock -13 -60 -10 stone')
  bot.chat('/setblock -13 -60 -9 lever[face=wall,facing=south]')
  bot.chat('/setblock -11 -60 -10 lever[face=floor,facing=north]')
  const wallLever = new Vec3(-13, -60, -9)
  const farLever = new Vec3(-11, -60, -10)
  await waitForState(bot, farLever, 'lever')
  await bot.activateBlock(bot.blockAt(farLever))
  await waitForState(bot, farLever, 'lever', { powered: true })
  await sleep(300)
  const farLeverOn = (await serverState(bot, wallDoor)).properties.open
  await bot.activateBlock(bot.blockAt(wallLever))
  await waitForState(bot, wallDoor, 'oak_door', { open: true })
  const wallLeverOn = await serverState(bot, wallDoor.offset(0, 1, 0))
  bot.quit()
  return { afterHand, leverOn, leverOff, farLeverOn, wallLeverOn }
})
