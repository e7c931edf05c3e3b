'use strict'
// Hits a summoned animal until it dies, with each weapon named (arg 1: JSON [[animal, weapon
// or null], ...]), one hit every 650 ms (past a sword's recharge and the mob's 10-tick hurt
// invulnerability), counting the hits the server lands (hurt animations, then the death).
// Also: a cow hit by hand 8 times 150 ms apart (inside its invulnerability) is still alive.
const { connect, sleep, give, waitFor, inventory, run } = require('./lib')
const { ask, teleport } = require('./world_lib')

run(async (port, args) => {
  const cases = JSON.parse(args[0])
  const bot = await connect(port, 'swordsman')
  await teleport(bot, -70.5, -60, -70.5)
  const out = {}
  const summon = async (animal) => {
    await ask(bot, `/summon ${animal} -70.5 -60 -68.5`, 'Summoned')
    await waitFor(() => bot.nearestEntity(e => e.name === animal), 5000, `the ${animal}`)
    const target = bot.nearestEntity(e => e.name === animal)
    await sleep(1000) // landed
    return target
  }
  for (const [animal, weapon] of cases) {
    if (weapon) {
      await give(bot, weapon, 1)
      await waitFor(() => inventory(bot)[weapon] === 1, 5000, weapon)
      await bot.equip(bot.inventory.items().find(i => i.name === weapon), 'hand')
    } else if (bot.heldItem) {
      await bot.unequip('hand')
    }
    const target = await summon(animal)
    let landed = 0
    const onHurt = (e) => { if (e.id === target.id) landed++ }
    const onDead = (e) => { if (e.id === target.id) landed++ }
    bot.on('entityHurt', onHurt)
    bot.on('entityDead', onDead)
    let swings = 0
    while (bot.entities[target.id] && swings < 15) {
      await bot.lookAt(target.position.offset(0, (target.height || 1) / 2, 0), true)
      bot.attack(target)
      swings++
      await sleep(650)
      if (landed && !bot.entities[target.id]) break
    }
    await waitFor(() => !bot.entities[target.id], 5000, `the ${animal} to go`)
    bot.off('entityHurt', onHurt)
    bot.off('entityDead', onDead)
    out[`${animal}:${weapon || 'hand'}`] = landed
    if (weapon) bot.chat(`/clear ${bot.username}`)
    await sleep(300)
  }
  if (bot.heldItem) await bot.unequip('hand')
  const cow = await summon('cow')
  let landed = 0
  bot.on('entityHurt', (e) => { if (e.id === cow.id) landed++ })
  await bot.lookAt(cow.position.offset(0, 0.7, 0), true)
  for (let i = 0; i < 8; i++) {
    bot.attack(cow)
    await sleep(150)
  }
  await sleep(500)
  out.rapidHandHits = { landed, alive: Boolean(bot.entities[cow.id]) }
  bot.quit()
  return out
})
