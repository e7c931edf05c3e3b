'use strict'
// Two rules of vanilla power (minecraft.wiki/w/Redstone_mechanics): a lever on glass does not
// power through it (glass is no conductor), and a door set by /setblock keeps the states it
// is given (vanilla's /setblock updates the blocks around, not the placed one), so a lever
// that then goes off leaves it open.
const { connect, sleep, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'power_bot')
  await teleport(bot, -29.5, -60, -32.5)
  // Glass at (-29, -60, -30), a lever on its south face; an iron trapdoor west of the glass.
  bot.chat('/setblock -29 -60 -30 glass')
  bot.chat('/setblock -30 -60 -30 iron_trapdoor[facing=north]')
  bot.chat('/setblock -29 -60 -29 lever[face=wall,facing=south]')
  const glassLever = new Vec3(-29, -60, -29)
  const glassTrapdoor = new Vec3(-30, -60, -30)
  await waitForState(bot, glassLever, 'lever')
  await bot.activateBlock(bot.blockAt(glassLever))
  await waitForState(bot, glassLever, 'lever', { powered: true })
  await sleep(300)
  const throughGlass = await serverState(bot, glassTrapdoor)

  // An iron trapdoor at (-26, -60, -30) with a floor lever beside it.
  const trapdoor = new Vec3(-26, -60, -30)
  const lever = new Vec3(-25, -60, -30)
  bot.chat('/setblock -26 -60 -30 iron_trapdoor[facing=north]')
  bot.chat('/setblock -25 -60 -30 lever[face=floor,facing=north]')
  await waitForState(bot, lever, 'lever')
  await bot.activateBlock(bot.blockAt(lever))
  await waitForState(bot, trapdoor, 'iron_trapdoor', { open: true })
  const leverOn = await serverState(bot, trapdoor)
  bot.chat('/setblock -26 -60 -30 iron_trapdoor[facing=north,open=true]')
  await waitForState(bot, trapdoor, 'iron_trapdoor', { powered: false })
  const setOpen = await serverState(bot, trapdoor)
  await bot.activateBlock(bot.blockAt(lever))
  await waitForState(bot, lever, 'lever', { powered: false })
  await sleep(300)
  const leverOff = await serverState(bot, trapdoor)
  bot.quit()
  return { throughGlass, leverOn, setOpen, leverOff }
})
