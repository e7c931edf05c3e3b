'use strict'
// Benchmark bots: N bots join at once (time until every one has spawned), then each crafts
// oak planks K times in its 2x2 grid (one bot.craft per action); prints the timings as JSON.
const { connect, give, run } = require('./lib')

run(async (port, args) => {
  const n = Number(args[0] ?? 1)
  const crafts = Number(args[1] ?? 0)
  const tag = args[2] ?? 'b'
  const t0 = Date.now()
  const joinTimes = []
  const bots = await Promise.all(Array.from({ length: n }, (_, i) =>
    connect(port, `${tag}${i}`).then(bot => { joinTimes.push((Date.now() - t0) / 1000); return bot })))
  const joinAllS = (Date.now() - t0) / 1000
  let actionsPerS = null
  if (crafts > 0) {
    await Promise.all(bots.map(bot => give(bot, 'oak_log', crafts)))
    const t1 = Date.now()
    await Promise.all(bots.map(async bot => {
      const recipe = bot.recipesFor(bot.registry.itemsByName.oak_planks.id, null, 1, null)[0]
      for (let i = 0; i < crafts; i++) await bot.craft(recipe, 1, null)
      const planks = bot.inventory.count(bot.registry.itemsByName.oak_planks.id)
      if (planks !== 4 * crafts) throw new Error(`${bot.username} has ${planks} planks after ${crafts} crafts`)
    }))
    actionsPerS = (n * crafts) / ((Date.now() - t1) / 1000)
  }
  for (const bot of bots) bot.quit()
  return { joinAllS, joinMedianS: joinTimes.sort((a, b) => a - b)[Math.floor(n / 2)], actionsPerS }
})
