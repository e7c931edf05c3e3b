'use strict'
// A stone button powers the iron door beside it for 20 game ticks, an oak button for 30; each
// then resets by itself and the door shuts. The server's /powerhistory gives the ticks.
const { connect, run, Vec3 } = require('./lib')
const { ask, waitForState, teleport } = require('./world_lib')

async function press (bot, button, name) {
  await bot.activateBlock(bot.blockAt(button))
  await waitForState(bot, button, name, { powered: true })
  const on = Date.now()
  const doorOpen = bot.blockAt(button.offset(1, 0, 0)).getProperties().open
  await waitForState(bot, button, name, { powered: false }, 5000)
  const seconds = (Date.now() - on) / 1000
  await waitForState(bot, button.offset(1, 0, 0), 'iron_door', { open: false })
  return { seconds, doorOpenWhilePowered: doorOpen }
}

run(async (port) => {
  const bot = await connect(port, 'button_bot')
  await teleport(bot, 22.5, -60, -16.5)
  for (const z of [-14, -10]) {
    bot.chat(`/setblock 23 -60 ${z} iron_door[facing=west,half=lower]`)
    bot.chat(`/setblock 23 -59 ${z} iron_door[facing=west,half=upper]`)
  }
  bot.chat('/setblock 22 -60 -14 stone_button[face=floor]')
  bot.chat('/setblock 22 -60 -10 oak_button[face=floor]')
  await waitForState(bot, new Vec3(22, -60, -10), 'oak_button')
  await waitForState(bot, new Vec3(23, -59, -10), 'iron_door')
  const stone = await press(bot, new Vec3(22, -60, -14), 'stone_button')
  const oak = await press(bot, new Vec3(22, -60, -10), 'oak_button')
  const answer = await ask(bot, '/powerhistory', 'powerhistory ')
  // the server keeps every bot's changes: keep this script's buttons only
  const history = JSON.parse(answer.slice('powerhistory '.length)).filter(e => e.x === 22 && e.name.endsWith('_button'))
  const serverTicks = [history[1].tick - history[0].tick, history[3].tick - history[2].tick]
  bot.quit()
  return { stone, oak, history: history.map(({ t, ...rest }) => rest), serverTicks }
})
