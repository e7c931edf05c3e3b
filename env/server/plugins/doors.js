'use strict'
// Doors, trapdoors and fence gates: using a wooden one toggles `open` (both halves of a door);
// iron doors and iron trapdoors ignore hands and move only by power (see redstone.js).
// Placing a door item places both halves; breaking one half of a door removes the other.

const {
  guarded, stateIdOf, isOpenable, isIronOpenable, openablePositions, setOpenable
} = require('../blockstate')

module.exports.server = (serv) => {
  const registry = serv.registry
  const openables = registry.blocksArray.map(b => b.name).filter(isOpenable)

  for (const name of openables) {
    if (isIronOpenable(name)) {
      // A hand does nothing to iron: the use falls through to placing the held block, as vanilla.
      serv.onBlockInteraction(name, async () => false)
      continue
    }
    serv.onBlockInteraction(name, guarded(`using ${name}`, async ({ block, player }) => {
      const open = !block.getProperties().open
      const state = await setOpenable(serv, player.world, block.position, { open })
      serv.emit('openableToggled', { world: player.world, position: block.position, state, player })
      return true
    }, true))
  }

  for (const name of openables.filter(n => n.endsWith('_door'))) {
    if (!registry.itemsByName[name]) continue
    serv.onItemPlace(name, guarded(`placing ${name}`, ({ player, placedPosition, properties }) =>
      placeDoor(name, player, placedPosition, properties), {}), false)
  }

  // A door is two blocks: the lower half here, the upper half just after flying-squid sets it.
  async function placeDoor (name, player, position, properties) {
    const above = position.offset(0, 1, 0)
    const below = await player.world.getBlock(position.offset(0, -1, 0))
    if ((await player.world.getBlock(above)).type !== 0 || below.boundingBox !== 'block') return {}
    const door = registry.blocksByName[name]
    const facing = properties.facing
    const lower = stateIdOf(registry, name, { facing, half: 'lower' })
    const upper = stateIdOf(registry, name, { facing, half: 'upper' })
    setImmediate(() => serv.setBlock(player.world, above, upper))
    return { id: door.id, data: lower - door.minStateId }
  }
}

module.exports.player = (player, serv) => {
  // Breaking either half of a door removes the other half too.
  player.on('dug', guarded('breaking a door', async (data, cancelled) => {
    if (cancelled || !data.block.name.endsWith('_door')) return
    const halves = await openablePositions(player.world, data.position)
    for (const pos of halves) {
      if (!pos.equals(data.position)) setImmediate(() => serv.setBlock(player.world, pos, 0))
    }
  }))
}
