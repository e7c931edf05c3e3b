'use strict'
// More entities than flying-squid's default cap (200) in one world: 230 cows summoned far off,
// then a second player joins and a 231st cow is summoned. Vanilla has no entity cap; the
// embedded server used to refuse the 201st entity, and a player's login past the cap brought
// the whole server down ("Too many mobs !").
const { connect, run } = require('./lib')
const { ask, teleport } = require('./world_lib')

run(async (port, count) => {
  const bot = await connect(port, 'herder')
  await teleport(bot, 300.5, -60, 300.5)
  let summoned = 0
  for (let i = 0; i < Number(count); i++) {
    const line = await ask(bot, `/summon cow ${300.5 + (i % 15)} -60 ${310.5 + Math.floor(i / 15)}`, 'Summoned')
    if (line.startsWith('Summoned')) summoned++
  }
  const late = await connect(port, 'latecomer')
  const more = await ask(late, '/summon cow 300.5 -60 330.5', 'Summoned')
  late.quit()
  bot.quit()
  return { summoned, joined: true, more: more.replace(/ id=\d+$/, '') }
})
