'use strict'
// A bot loses its connection with items in its hands but in no slot: bread carried on the cursor
// (picked out of an open chest) and planks on its 2x2 crafting grid. As vanilla's
// AbstractContainerMenu.removed / InventoryMenu.removed do for a player who has disconnected,
// they drop where it stood; back under the same name and in the same place, it picks them up.
// Nothing is lost: chest + inventory + ground hold what there was before.
const { connect, give, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  let bot = await connect(port, 'carrier')
  const witness = await connect(port, 'witness')
  bot.chat('/teleport carrier 4 -60 4')
  witness.chat('/teleport witness 4 -60 8')
  await waitFor(() => bot.entity.position.x === 4.5 || bot.entity.position.x === 4, 5000, 'the teleport')
  bot.chat('/setblock 5 -60 4 chest')
  const pos = new Vec3(5, -60, 4)
  await waitFor(() => bot.blockAt(pos)?.name === 'chest', 5000, 'the chest')
  await give(bot, 'bread', 5)
  await give(bot, 'oak_planks', 3)

  let window = await bot.openContainer(bot.blockAt(pos))
  await window.deposit(bot.registry.itemsByName.bread.id, null, 5)
  window.close()
  await sleep(200)

  // Two planks onto the 2x2 grid (inventory window slots 1 and 2), then the bread onto the cursor.
  const planks = bot.inventory.findInventoryItem(bot.registry.itemsByName.oak_planks.id)
  await bot.clickWindow(planks.slot, 0, 0) // all 3 on the cursor
  await bot.clickWindow(1, 1, 0) // one onto grid slot 1
  await bot.clickWindow(2, 1, 0) // one onto grid slot 2
  await bot.clickWindow(planks.slot, 0, 0) // the last one back
  await sleep(200)
  window = await bot.openContainer(bot.blockAt(pos))
  const breadSlot = window.containerItems()[0].slot
  await bot.clickWindow(breadSlot, 0, 0) // the 5 bread on the cursor
  await sleep(300)
  const carried = { cursor: window.selectedItem ? [window.selectedItem.name, window.selectedItem.count] : null }

  bot._client.socket.destroy() // the network goes, no close_window, no quit
  // One entity per stack, as vanilla drops them: the carried bread, and one per grid slot.
  const onGround = () => Object.values(witness.entities).filter(e => e.name === 'item' && e.position.distanceTo(pos) < 3).length
  await waitFor(() => onGround() >= 3, 5000, 'the dropped items')
  const dropped = onGround()

  await sleep(500)
  bot = await connect(port, 'carrier')
  await waitFor(() => bot.inventory.count(bot.registry.itemsByName.bread.id) === 5 &&
    bot.inventory.count(bot.registry.itemsByName.oak_planks.id) === 3, 10000, 'the items picked up again')
    .catch(err => {
      const seen = { witnessAt: witness.entity.position, witnessHolds: witness.inventory.items().map(i => [i.name, i.count]), at: bot.entity.position, holds: bot.inventory.items().map(i => [i.name, i.count]), items: Object.values(bot.entities).filter(e => e.name === 'item').map(e => e.position) }
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`)
    })
  const reply = new Promise(resolve => bot.on('messagestr', msg => { if (msg.includes('[')) resolve(msg) }))
  bot.chat('/chestget 5 -60 4')
  const chestget = JSON.parse((await reply).replace(/^[^[]*/, ''))
  const after = await serverInventory(bot)
  bot.quit()
  witness.quit()
  return { carried, dropped, chestget, after }
})
