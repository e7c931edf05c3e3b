'use strict'
// /setblock with named states sets exactly those states (the rest default), as both the server
// (/blockstate) and the bot see it; bad names and values answer errors naming them.
const { connect, run, Vec3 } = require('./lib')
const { ask, serverState, clientState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'setblock_bot')
  await teleport(bot, -1.5, -60, -0.5)
  bot.chat('/setblock -2 -60 2 spruce_door[facing=east,half=upper,open=true,hinge=right]')
  bot.chat('/setblock -1 -60 2 wheat[age=5]')
  bot.chat('/setblock 0 -60 2 lever')
  bot.chat('/setblock ~2 ~ ~ minecraft:oak_trapdoor[half=top,open=true]')
  const positions = [new Vec3(-2, -60, 2), new Vec3(-1, -60, 2), new Vec3(0, -60, 2), new Vec3(0, -60, -1)]
  const names = ['spruce_door', 'wheat', 'lever', 'oak_trapdoor']
  for (let i = 0; i < positions.length; i++) await waitForState(bot, positions[i], names[i])
  const server = []
  const client = []
  for (const pos of positions) {
    server.push(await serverState(bot, pos))
    client.push(clientState(bot, pos))
  }
  const errors = [
    await ask(bot, '/setblock 1 -60 2 oak_door[colour=red]', 'Successfully'),
    await ask(bot, '/setblock 1 -60 2 oak_door[open=maybe]', 'Successfully'),
    await ask(bot, '/setblock 1 -60 2 oak_dor', 'Successfully'),
    await ask(bot, '/setblock 63 x 10 stone', 'Successfully')
  ]
  bot.quit()
  return { server, client, errors }
})
