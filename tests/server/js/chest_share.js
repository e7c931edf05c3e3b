'use strict'
// Bot "keeper" stores bread and coal in a chest; bot "taker", with the chest open at the same
// time, sees them arrive, takes the bread and some coal; the server's record is read with /chestget.
const { connect, give, inventory, serverInventory, containerItems, waitFor, sleep, run, Vec3 } = require('./lib')

run(async (port) => {
  const keeper = await connect(port, 'keeper')
  const taker = await connect(port, 'taker')
  keeper.chat('/setblock -3 -60 -3 chest')
  const pos = new Vec3(-3, -60, -3)
  await waitFor(() => keeper.blockAt(pos)?.name === 'chest' && taker.blockAt(pos)?.name === 'chest', 5000, 'the chest')
  await give(keeper, 'bread', 5)
  await give(keeper, 'coal', 20)

  const takerWindow = await taker.openContainer(taker.blockAt(pos))
  const keeperWindow = await keeper.openContainer(keeper.blockAt(pos))
  await keeperWindow.deposit(keeper.registry.itemsByName.bread.id, null, 5)
  await keeperWindow.deposit(keeper.registry.itemsByName.coal.id, null, 20)
  await waitFor(() => takerWindow.containerCount(taker.registry.itemsByName.coal.id) === 20, 5000, 'taker to see the coal')
  const takerSawBeforeTaking = containerItems(takerWindow)

  await takerWindow.withdraw(taker.registry.itemsByName.bread.id, null, 5)
  await takerWindow.withdraw(taker.registry.itemsByName.coal.id, null, 8)
  await waitFor(() => keeperWindow.containerCount(keeper.registry.itemsByName.coal.id) === 12, 5000, 'keeper to see the coal taken')
  const keeperSawAfterTaking = containerItems(keeperWindow)
  keeperWindow.close()
  takerWindow.close()
  await sleep(200)

  const reply = new Promise(resolve => taker.on('messagestr', msg => { if (msg.includes('[')) resolve(msg) }))
  taker.chat('/chestget -3 -60 -3')
  const chestget = JSON.parse((await reply).replace(/^[^[]*/, ''))

  const result = {
    takerSawBeforeTaking,
    keeperSawAfterTaking,
    chestget,
    keeper: await serverInventory(keeper),
    taker: await serverInventory(taker)
  }
  keeper.quit()
  taker.quit()
  return result
})
