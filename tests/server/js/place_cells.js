'use strict'
// Where a click places a block (env/server/plugins/placement.js), with a stock mineflayer bot
// clicking as a player does: against a torch, flower, lever, rail or redstone wire the block
// goes into the neighbouring cell and they stay; into tall grass or a one-layer snow cover it
// replaces them; onto a three-layer snow cover it goes above; against a torch whose
// neighbouring cell is stone nothing changes. A lever clicked without sneaking is used (the
// carpet stays in hand), sneaking the carpet is placed on it.
const { connect, sleep, serverInventory, give, waitFor, inventory, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

const SETUP = [
  ['62 -60 60', 'torch'], ['62 -60 62', 'poppy'], ['64 -60 60', 'lever[face=floor,facing=north]'],
  ['64 -60 62', 'rail'], ['66 -60 60', 'redstone_wire'], ['66 -60 62', 'tall_grass'],
  ['58 -60 60', 'snow[layers=1]'], ['58 -60 62', 'snow[layers=3]'],
  ['62 -60 64', 'torch'], ['62 -59 64', 'stone']
]

run(async (port) => {
  const bot = await connect(port, 'placer')
  await teleport(bot, 60.5, -60, 58.5)
  for (const [pos, block] of SETUP) bot.chat(`/setblock ${pos} ${block}`)
  await waitForState(bot, new Vec3(62, -59, 64), 'stone')
  await give(bot, 'white_carpet', 5)
  await give(bot, 'dirt', 6)
  await waitFor(() => inventory(bot).dirt === 6 && inventory(bot).white_carpet === 5, 5000, 'the items')
  const click = async (item, ref, face, sneak = false) => {
    await bot.equip(bot.inventory.items().find(i => i.name === item), 'hand')
    bot.setControlState('sneak', sneak)
    await sleep(100)
    await bot.lookAt(ref.offset(0.5 + face.x / 2, 0.5 + face.y / 2, 0.5 + face.z / 2), true)
    await bot._genericPlace(bot.blockAt(ref), face, { forceLook: 'ignore' })
    await sleep(700)
    bot.setControlState('sneak', false)
  }
  const UP = new Vec3(0, 1, 0)
  const names = async (...cells) => {
    const out = []
    for (const c of cells) out.push((await serverState(bot, new Vec3(...c))).name)
    return out
  }
  const out = {}
  await click('white_carpet', new Vec3(62, -60, 60), UP)
  out.carpetOnTorch = await names([62, -60, 60], [62, -59, 60])
  await click('white_carpet', new Vec3(62, -60, 62), UP)
  out.carpetOnPoppy = await names([62, -60, 62], [62, -59, 62])
  await click('white_carpet', new Vec3(64, -60, 60), UP)
  out.leverUsed = [(await serverState(bot, new Vec3(64, -60, 60))).properties.powered, ...await names([64, -59, 60])]
  await click('white_carpet', new Vec3(64, -60, 60), UP, true)
  out.carpetOnLeverSneaking = [(await serverState(bot, new Vec3(64, -60, 60))).properties.powered, ...await names([64, -60, 60], [64, -59, 60])]
  await click('dirt', new Vec3(64, -60, 62), new Vec3(1, 0, 0))
  out.dirtBesideRail = await names([64, -60, 62], [65, -60, 62])
  await click('dirt', new Vec3(66, -60, 60), UP)
  out.dirtOnWire = await names([66, -60, 60], [66, -59, 60])
  await click('dirt', new Vec3(66, -60, 62), UP)
  out.dirtIntoTallGrass = await names([66, -60, 62], [66, -59, 62])
  await click('dirt', new Vec3(58, -60, 60), UP)
  out.dirtIntoThinSnow = await names([58, -60, 60], [58, -59, 60])
  await click('dirt', new Vec3(58, -60, 62), UP)
  out.dirtOnDeepSnow = await names([58, -60, 62], [58, -59, 62])
  await click('white_carpet', new Vec3(62, -60, 64), UP)
  out.carpetOnTorchUnderStone = await names([62, -60, 64], [62, -59, 64])
  await sleep(300)
  out.inventory = await serverInventory(bot)
  bot.quit()
  return out
})
