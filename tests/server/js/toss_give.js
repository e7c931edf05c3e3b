'use strict'
// "giver" throws 5 bread at "receiver" standing 2 blocks in front of it, then goes away;
// the receiver picks all 5 up.
const { connect, give, inventory, serverInventory, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const giver = await connect(port, 'giver')
  const receiver = await connect(port, 'receiver')
  const there = () => giver.entity.position.distanceTo(new Vec3(20, -60, 20)) < 0.1 &&
    receiver.entity.position.distanceTo(new Vec3(20, -60, 22)) < 0.1
  // A teleport sent while the join's chunks are still streaming can be lost: ask again.
  for (let attempt = 0; attempt < 4 && !there(); attempt++) {
    giver.chat('/teleport giver 20 -60 20')
    giver.chat('/teleport receiver 20 -60 22')
    try { await waitFor(there, 3000, 'the teleports') } catch (err) { if (attempt === 3) throw err }
  }
  await give(giver, 'bread', 5)
  await giver.lookAt(new Vec3(20.5, -59, 23), true)
  await sleep(200)
  await giver.toss(giver.registry.itemsByName.bread.id, null, 5)
  giver.chat('/teleport giver 40 -60 40')
  await waitFor(() => receiver.inventory.count(receiver.registry.itemsByName.bread.id) === 5, 8000, 'the receiver to pick up 5 bread')
  await sleep(500)
  const result = {
    giverClient: inventory(giver),
    giver: await serverInventory(giver),
    receiver: await serverInventory(receiver)
  }
  giver.quit()
  receiver.quit()
  return result
})
