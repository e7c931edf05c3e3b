'use strict'
// A double chest set half by half (/setblock chest[facing=north,type=right] and, on its west,
// [type=left]), stocked per half with /chestput. Bot "lefty" opens it through the left half,
// bot "righty" through the right half, at the same time: stock mineflayer's window for each,
// the slots where each half's items are, and a deposit through one seen through the other.
// Then the right half is replaced by stone: the left half's viewers' window closes and it is
// single again (27 slots).
const { connect, give, containerItems, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const lefty = await connect(port, 'lefty')
  const righty = await connect(port, 'righty')
  const right = new Vec3(-3, -60, -6)
  const left = new Vec3(-4, -60, -6)
  lefty.chat('/setblock -3 -60 -6 chest[facing=north,type=right]')
  lefty.chat('/setblock -4 -60 -6 chest[facing=north,type=left]')
  await waitFor(() => lefty.blockAt(left)?.name === 'chest' && righty.blockAt(right)?.name === 'chest', 5000, 'the chests')
  lefty.chat('/chestput -3 -60 -6 bread 5')
  lefty.chat('/chestput -4 -60 -6 coal 3')
  await give(lefty, 'apple', 2)
  await sleep(200)
  const viaLeft = await lefty.openContainer(lefty.blockAt(left))
  const viaRight = await righty.openContainer(righty.blockAt(right))
  const shape = w => ({ type: w.type, title: w.title, slots: w.slots.length, inventoryStart: w.inventoryStart })
  const where = w => w.containerItems().map(i => [i.slot, i.name, i.count]).sort((a, b) => a[0] - b[0])
  const before = { left: where(viaLeft), right: where(viaRight) }
  await viaLeft.deposit(lefty.registry.itemsByName.apple.id, null, 2)
  await waitFor(() => viaRight.containerCount(righty.registry.itemsByName.apple.id) === 2, 5000, 'righty to see the apples')
  const seenByRight = containerItems(viaRight)
  const shapes = { left: shape(viaLeft), right: shape(viaRight) }
  viaRight.close()
  const closed = new Promise(resolve => lefty.once('windowClose', () => resolve(true)))
  righty.chat('/setblock -3 -60 -6 stone')
  const leftClosed = await Promise.race([closed, sleep(3000).then(() => false)])
  await waitFor(() => lefty.blockAt(left)?.getProperties().type === 'single', 5000, 'the left half to become single')
  const alone = await lefty.openContainer(lefty.blockAt(left))
  const single = { ...shape(alone), items: where(alone) }
  alone.close()
  await sleep(200)
  lefty.quit()
  righty.quit()
  return { shapes, before, seenByRight, leftClosed, single }
})
