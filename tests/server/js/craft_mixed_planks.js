'use strict'
// A crafting table from 2 oak + 2 spruce planks in the 2x2 grid, by raw clicks as a vanilla
// client sends them (vanilla's recipe takes #minecraft:planks: any mix of planks).
const { connect, give, serverInventory, run } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'mixer')
  await give(bot, 'oak_planks', 2)
  await give(bot, 'spruce_planks', 2)
  const slotOf = name => bot.inventory.findInventoryItem(bot.registry.itemsByName[name].id).slot
  const gridSlots = [[slotOf('oak_planks'), [1, 2]], [slotOf('spruce_planks'), [3, 4]]]
  for (const [from, cells] of gridSlots) {
    await bot.clickWindow(from, 0, 0) // pick up the stack
    for (const cell of cells) await bot.clickWindow(cell, 1, 0) // right-click: one item
  }
  const resultShown = bot.inventory.slots[0] ? `${bot.inventory.slots[0].name}:${bot.inventory.slots[0].count}` : null
  await bot.clickWindow(0, 0, 0) // take the result onto the cursor
  await bot.clickWindow(bot.inventory.firstEmptyInventorySlot(), 0, 0) // and put it down
  const inventory = await serverInventory(bot)
  const grid = bot.inventory.slots.slice(0, 5).map(i => (i ? `${i.name}:${i.count}` : null))
  bot.quit()
  return { resultShown, inventory, grid }
})
