'use strict'
// Opens a furnace that is already lit (a coal put in with /furnaceput) with stock mineflayer's
// bot.openFurnace (twice), and a cold one, and reports what each window told: mineflayer's own
// furnace.totalFuel / fuelSeconds, every data slot packet heard for the window (from before the
// open), and the server's fire (/furnaceget) right after.
const { connect, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'stoker3')
  const lit = new Vec3(-18, -60, -8)
  const cold = new Vec3(-20, -60, -8)
  bot.chat(`/setblock ${lit.x} ${lit.y} ${lit.z} furnace`)
  bot.chat(`/setblock ${cold.x} ${cold.y} ${cold.z} furnace`)
  await waitFor(() => bot.blockAt(cold)?.name === 'furnace', 5000, 'the furnaces')
  const state = async (at) => {
    const reply = new Promise(resolve => {
      const on = msg => { if (msg.includes('{')) { bot.off('messagestr', on); resolve(msg) } }
      bot.on('messagestr', on)
    })
    bot.chat(`/furnaceget ${at.x} ${at.y} ${at.z}`)
    return JSON.parse((await reply).replace(/^[^{]*/, ''))
  }
  bot.chat(`/furnaceput ${lit.x} ${lit.y} ${lit.z} input beef 1`)
  bot.chat(`/furnaceput ${lit.x} ${lit.y} ${lit.z} fuel coal 1`)
  const end = Date.now() + 10000
  while ((await state(lit)).burn === 0 && Date.now() < end) await sleep(200)

  const look = async (at) => {
    const heard = []
    const listen = packet => heard.push(packet)
    bot._client.on('craft_progress_bar', listen)
    const furnace = await bot.openFurnace(bot.blockAt(at))
    await waitFor(() => furnace.totalFuel !== null && furnace.fuelSeconds !== null, 2000, 'the fire').catch(() => {})
    const seen = { totalFuel: furnace.totalFuel, fuelSeconds: furnace.fuelSeconds, totalProgress: furnace.totalProgress }
    const server = await state(at)
    bot._client.removeListener('craft_progress_bar', listen)
    furnace.close()
    const mine = heard.filter(p => p.windowId === furnace.id)
    return {
      ...seen,
      serverBurn: server.burn,
      firstFour: mine.slice(0, 4).map(p => p.property).sort(),
      totalFuelSent: mine.filter(p => p.property === 1).map(p => p.value)
    }
  }
  // Twice: the second look is a later viewer's, as the next smelt at a furnace is.
  const result = { first: await look(lit), lit: await look(lit), cold: await look(cold) }
  await sleep(200)
  bot.quit()
  return result
})
