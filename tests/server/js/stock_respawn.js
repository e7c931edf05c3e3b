'use strict'
// A stock mineflayer bot that dies respawns as on a vanilla server: 'death' and then, after
// mineflayer's automatic respawn request, 'respawn' and 'spawn' with full health, alive, at the
// world spawn; the inventory is dropped (keepInventory is off by default).
const { connect, give, inventory, waitFor, run } = require('./lib')
const { teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'stockdies')
  await teleport(bot, 50.5, -60, 0.5)
  await give(bot, 'bread', 2)
  const events = []
  bot.on('death', () => events.push('death'))
  bot.on('respawn', () => events.push('respawn'))
  const spawned = new Promise(resolve => bot.once('spawn', resolve))
  bot.chat('/kill stockdies')
  await waitFor(() => events.includes('death'), 5000, 'death')
  await Promise.race([spawned, new Promise((resolve, reject) => setTimeout(() => reject(new Error('no spawn after respawn')), 8000))])
  events.push('spawn')
  await waitFor(() => bot.health === 20 && bot.isAlive, 5000, 'full health')
  const pos = bot.entity.position
  const result = { events, health: bot.health, food: bot.food, alive: bot.isAlive, inventory: inventory(bot), spawn: [Math.floor(pos.x), Math.floor(pos.y), Math.floor(pos.z)] }
  bot.quit()
  return result
})
