'use strict'
// What a block broken by a player leaves behind, as vanilla 1.19.2 rules it (env/data/dig.json
// through env/js/dig.js, the rules the simulator reads): ice broken without silk touch turns
// into water when the block below blocks motion or is a liquid, else it leaves air
// (IceBlock.playerDestroy); packed and blue ice leave air. Breaking the upper half of a tall
// plant (tall grass, a large fern, a sunflower) breaks its lower half too, as breaking the lower
// half pops the upper (support.js); its loot comes once, from the half that was dug (drops.js).
// Doors are doors.js's. flying-squid 1.12 leaves air in every broken cell and the other half of
// a tall plant standing.
// Event: serv.on('blockLeft', ({ player, position, name, left }) => ...) when a broken block
// leaves something else than air.

const { guarded, stateIdOf } = require('../blockstate')
const { leftBehind } = require('../../js/dig')

module.exports.server = () => {}

module.exports.player = (player, serv) => {
  // After flying-squid has set the dug cell to air ('dug_done' follows its change).
  player.on('dug_done', guarded('leaving what a broken block leaves', async (data, cancelled) => {
    if (cancelled || player.gameMode !== 0) return
    const world = player.world
    const block = data.block
    const below = await world.getBlock(data.position.offset(0, -1, 0))
    const left = leftBehind(block.name, below ? below.name : 'air')
    if (left !== 'air') {
      await serv.setBlock(world, data.position, stateIdOf(serv.registry, left))
      serv.emit('blockLeft', { player, position: data.position, name: block.name, left })
    }
    const props = block.getProperties()
    if (props.half === 'upper' && !block.name.endsWith('_door')) {
      const lower = data.position.offset(0, -1, 0)
      if (below && below.name === block.name) await serv.setBlock(world, lower, 0)
    }
  }))
}
