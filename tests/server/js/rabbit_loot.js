'use strict'
// A summoned rabbit takes 3 hits by hand, one every 10 ticks (vanilla health 3, the hand's damage 1,
// a mob's hurt invulnerability 10 ticks) and its loot (0-1 rabbit, 0-1 rabbit_hide, a foot 1 kill
// in 10) goes to the player who killed it; the body then disappears for the bot.
const { connect, sleep, inventory, serverInventory, waitFor, run } = require('./lib')
const { ask, teleport } = require('./world_lib')

run(async (port) => {
  const bot = await connect(port, 'hunter')
  await teleport(bot, 10.5, -60, 0.5)
  const summoned = await ask(bot, '/summon rabbit 10.5 -60 2.5', 'Summoned')
  await waitFor(() => bot.nearestEntity(e => e.name === 'rabbit'), 5000, 'the rabbit')
  const rabbit = bot.nearestEntity(e => e.name === 'rabbit')
  let hits = 0
  let dead = false
  bot.on('entityDead', (e) => { if (e.id === rabbit.id) dead = true })
  while (bot.entities[rabbit.id] && hits < 10 && !dead) {
    await bot.attack(rabbit)
    hits++
    await sleep(550)
  }
  await waitFor(() => !bot.entities[rabbit.id], 5000, 'the body to go')
  await sleep(300) // each item kind arrives in its own slot update
  const server = await serverInventory(bot)
  bot.quit()
  return { summoned: summoned.replace(/ id=\d+$/, ''), hits, inventory: inventory(bot), server }
})
