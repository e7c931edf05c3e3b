'use strict'
// /fill fills exactly the box asked for (any corner order), hollow leaves the inside air, and a
// bad block name answers an error naming it.
const { connect, run, Vec3 } = require('./lib')
const { ask, waitForState, teleport } = require('./world_lib')

// Every non-air block the bot sees in [lo, hi], as "x,y,z name".
function scan (bot, lo, hi) {
  const found = []
  for (let x = lo.x; x <= hi.x; x++) {
    for (let y = lo.y; y <= hi.y; y++) {
      for (let z = lo.z; z <= hi.z; z++) {
        const block = bot.blockAt(new Vec3(x, y, z))
        if (block.name !== 'air') found.push(`${x},${y},${z} ${block.name}`)
      }
    }
  }
  return found
}

run(async (port) => {
  const bot = await connect(port, 'fill_bot')
  await teleport(bot, -13.5, -60, -2.5)
  const solid = await ask(bot, '/fill -11 -58 4 -13 -59 2 stone', 'Successfully')
  await waitForState(bot, new Vec3(-11, -58, 4), 'stone')
  const solidBlocks = scan(bot, new Vec3(-14, -60, 1), new Vec3(-10, -57, 5))
  const hollow = await ask(bot, '/fill -8 -60 2 -6 -58 4 glass hollow', 'Successfully')
  await waitForState(bot, new Vec3(-6, -58, 4), 'glass')
  const hollowCount = scan(bot, new Vec3(-9, -61, 1), new Vec3(-5, -57, 5)).filter(s => s.endsWith('glass')).length
  const centre = bot.blockAt(new Vec3(-7, -59, 3)).name
  const badBlock = await ask(bot, '/fill -14 -60 12 -13 -60 13 stoone', 'Successfully')
  const tooBig = await ask(bot, '/fill -64 -60 -8 -24 -40 32 stone', 'Successfully')
  bot.quit()
  return { solid, solidBlocks, hollow, hollowCount, centre, badBlock, tooBig }
})
