'use strict'
// Beef is not a fuel: a click that puts it in the fuel slot is refused by the server, which
// corrects the client; the beef stays on the cursor and goes back to the inventory.
const { connect, give, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'stoker')
  const pos = new Vec3(-8, -60, -4)
  bot.chat('/setblock -8 -60 -4 furnace')
  await waitFor(() => bot.blockAt(pos)?.name === 'furnace', 5000, 'the furnace')
  await give(bot, 'beef', 2)
  const furnace = await bot.openFurnace(bot.blockAt(pos))
  const source = furnace.findInventoryItem(bot.registry.itemsByName.beef.id).slot
  await bot.clickWindow(source, 0, 0) // beef on the cursor
  await bot.clickWindow(1, 0, 0) // into the fuel slot: refused
  await bot._syncWindow(furnace)
  const fuelAfterRefusal = furnace.fuelItem()
  const cursorAfterRefusal = furnace.selectedItem ? `${furnace.selectedItem.name}:${furnace.selectedItem.count}` : null
  await bot.clickWindow(0, 0, 0) // into the input slot: fine
  await bot._syncWindow(furnace)
  const inputAfter = furnace.inputItem() ? `${furnace.inputItem().name}:${furnace.inputItem().count}` : null
  await furnace.takeInput()
  furnace.close()
  await sleep(200)
  const result = { fuelAfterRefusal, cursorAfterRefusal, inputAfter, inventory: await serverInventory(bot) }
  bot.quit()
  return result
})
