'use strict'
// Vanilla fuels and a furnace that keeps its fire, driven with /furnaceput and read with
// /furnaceget: stripped oak wood smelts to charcoal on one wooden pickaxe (200 ticks: one item),
// and, while the fire of a coal (1600 ticks) still burns, a second input cooks with the fuel
// slot empty. Args: x (the furnace's column, so parallel tests do not share one).
const { connect, sleep, waitFor, run, Vec3 } = require('./lib')

run(async (port, args) => {
  const bot = await connect(port, 'stoker2')
  const x = Number(args[0] ?? -12)
  const wood = `${x} -60 -6`
  const food = `${x - 2} -60 -6`
  bot.chat(`/setblock ${wood} furnace`)
  bot.chat(`/setblock ${food} furnace`)
  await waitFor(() => bot.blockAt(new Vec3(x - 2, -60, -6))?.name === 'furnace', 5000, 'the furnaces')
  const state = async (at) => {
    const reply = new Promise(resolve => {
      const on = msg => { if (msg.includes('{')) { bot.off('messagestr', on); resolve(msg) } }
      bot.on('messagestr', on)
    })
    bot.chat(`/furnaceget ${at}`)
    return JSON.parse((await reply).replace(/^[^{]*/, ''))
  }
  const slot = s => (s ? `${s.name}:${s.count}` : null)
  bot.chat(`/furnaceput ${wood} input stripped_oak_wood 1`)
  bot.chat(`/furnaceput ${wood} fuel wooden_pickaxe 1`)
  bot.chat(`/furnaceput ${food} input beef 1`)
  bot.chat(`/furnaceput ${food} fuel coal 1`)
  // Poll (a loaded machine may tick slower than 20 per second), up to 30 s a phase.
  const until = async (at, done) => {
    const end = Date.now() + 30000
    let s = await state(at)
    while (!done(s) && Date.now() < end) {
      await sleep(500)
      s = await state(at)
    }
    return s
  }
  const pickaxe = await until(wood, s => !s.input)
  const coal = await until(food, s => !s.input)
  bot.chat(`/furnaceput ${food} input beef 1`) // no new fuel: the coal's fire burns on
  await sleep(1000)
  const lit = await until(food, s => !s.input || s.burn === 0)
  bot.quit()
  return {
    afterPickaxe: [slot(pickaxe.input), slot(pickaxe.fuel), slot(pickaxe.output)],
    afterCoal: [slot(coal.input), slot(coal.fuel), slot(coal.output)],
    burnLeftAfterCoal: coal.burn,
    afterLitOnly: [slot(lit.input), slot(lit.fuel), slot(lit.output)]
  }
})
