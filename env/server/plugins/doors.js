'use strict'
// Doors, trapdoors and fence gates: using a wooden one toggles `open` (both halves of a door);
// iron doors and iron trapdoors ignore hands and move only by power (see redstone.js).
// Placing a door or a tall plant (sunflower, tall grass...: env/data/support.json `two_tall`)
// places both halves where the cell above can be replaced, as vanilla's DoorBlock and
// DoublePlantBlock; breaking one half of a door removes the other.

const {
  guarded, stateIdOf, isOpenable, isIronOpenable, openablePositions, setOpenable
} = require('../blockstate')
const { twoTall } = require('../../js/support')
const { replaceable } = require('../../js/replaceable')

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

  for (const name of registry.blocksArray.map(b => b.name).filter(twoTall)) {
    if (!registry.itemsByName[name]) continue
    serv.onItemPlace(name, guarded(`placing ${name}`, ({ player, placedPosition, properties }) =>
      placeTwoTall(name, player, placedPosition, properties), {}), false)
  }

  // A two-tall block: the lower half here, the upper half just after flying-squid sets it,
  // with the placed state (a door's facing and hinge) on both. The cell above must be replaceable; a
  // door also needs a full block below (a plant's ground is support.js's rule).
  async function placeTwoTall (name, player, position, properties) {
    const above = position.offset(0, 1, 0)
    const up = await player.world.getBlock(above)
    if (!replaceable(up.name, up.getProperties(), name)) return {}
    if (name.endsWith('_door')) {
      const below = await player.world.getBlock(position.offset(0, -1, 0))
      if (below.boundingBox !== 'block') return {}
    }
    const block = registry.blocksByName[name]
    const kept = name.endsWith('_door') ? { facing: properties.facing, ...(properties.hinge ? { hinge: properties.hinge } : {}) } : {}
    const lower = stateIdOf(registry, name, { ...kept, half: 'lower' })
    const upper = stateIdOf(registry, name, { ...kept, half: 'upper' })
    setImmediate(() => serv.setBlock(player.world, above, upper))
    return { id: block.id, data: lower - block.minStateId }
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
