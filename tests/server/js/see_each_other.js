'use strict'
// Three bots join one after the other; each must see the other two as player entities.
// Then a command that throws inside the server answers its caller and kicks nobody.
const { connect, sleep, waitFor, run } = require('./lib')

run(async (port, args) => {
  const names = ['alpha', 'bravo', 'charlie']
  const bots = []
  for (const name of names) {
    bots.push(await connect(port, name))
    await sleep(300)
  }
  const seen = () => Object.fromEntries(bots.map(bot => [bot.username,
    Object.values(bot.entities).filter(e => e.type === 'player' && e.username && e.username !== bot.username).map(e => e.username).sort()]))
  try {
    await waitFor(() => bots.every(bot => Object.values(bot.entities).filter(e => e.type === 'player' && e.username !== bot.username).length === 2), 5000, 'players to see each other')
  } catch (err) {}
  const result = { seen: seen() }
  if (args.includes('--throwing-command')) {
    const kicked = []
    for (const bot of bots) bot.on('end', () => kicked.push(bot.username))
    const reply = new Promise(resolve => bots[0].on('messagestr', msg => { if (/error/i.test(msg)) resolve(msg) }))
    bots[0].chat('/failtest deliberate failure')
    result.reply = await Promise.race([reply, sleep(3000).then(() => null)])
    await sleep(500)
    result.kicked = kicked
  }
  for (const bot of bots) bot.quit()
  return result
})
