'use strict'
// Where a click places a block, as vanilla 1.19.2 rules it (BlockItem.place through
// BlockPlaceContext): a click on a replaceable block (env/data/replaceable.json: air, water,
// grass, a one-layer snow cover...) places the new block in that block's cell; a click on any
// other block places it in the neighbouring cell on the clicked face, and only if that cell is
// replaceable and no player stands in it. Otherwise nothing is placed and nothing changes (the
// item stays in the hand). flying-squid 1.12 instead places into the clicked cell whenever the
// clicked block has no collision box, so a block put against a torch, flower, lever, rail or
// redstone wire destroyed it; this plugin moves the placement to vanilla's cell before
// flying-squid sets the block (it sets it where data.placedPosition points).
// A replaceable block is not replaced by its own kind (short grass on short grass), but a snow
// cover takes one more layer from a placed snow (on its top face when clicked itself) and a
// half slab becomes a double slab, as vanilla's canBeReplaced rules it (env/data/replaceable.json
// `grows`).
// Also: a player who sneaks with an item in a hand places against a block that opens or
// toggles (a lever, a door, a chest) instead of using it (ServerPlayerGameMode.useItemOn).
// A block placed faces as env/data/facing.json rules it from the player's look (the horizontal
// direction from the player to the placed cell, as the simulator's `looking`): a furnace or
// chest faces the player, stairs and doors face away; flying-squid faced every block away.
// Loads before support.js (plugins load in name order), whose support check wraps this one.
// Event: none.

const { Vec3 } = require('vec3')
const { replaceable, grown, growsOnFace } = require('../../js/replaceable')
const { stateIdOf } = require('../blockstate')
const { looking, placedFacing } = require('../../js/facing')

// flying-squid's block_place directions: 0 down, 1 up, 2 north, 3 south, 4 west, 5 east
const STEP = [new Vec3(0, -1, 0), new Vec3(0, 1, 0), new Vec3(0, 0, -1), new Vec3(0, 0, 1), new Vec3(-1, 0, 0), new Vec3(1, 0, 0)]
const OFF_HAND = 45

// flying-squid's direction numbers by face name
const FACE = { down: 0, up: 1, north: 2, south: 3, west: 4, east: 5 }

// The cell a click on `clicked` (at `ref`, on face `direction`) with `item` (the held item's
// name; it names the block it places) places into, or null.
async function targetCell (world, ref, direction, item = null) {
  const clicked = await world.getBlock(ref)
  if (clicked && replaceable(clicked.name, clicked.getProperties(), item)) {
    const face = growsOnFace(clicked.name, clicked.getProperties())
    if (!(clicked.name === item && face && FACE[face] !== direction)) return { cell: ref.clone(), there: clicked }
  }
  if (!STEP[direction]) return null
  const cell = ref.plus(STEP[direction])
  const there = await world.getBlock(cell)
  if (!there || !replaceable(there.name, there.getProperties(), item)) return null
  return { cell, there }
}

// A player's feet or head in the cell (the rule the action check applies too); a spectator
// (game mode 3) has no body.
function occupied (serv, world, cell) {
  return serv.players.some(p => {
    if (p.world !== world || !p.position || p.gameMode === 3) return false
    const f = p.position.floored()
    return f.x === cell.x && f.z === cell.z && (f.y === cell.y || f.y === cell.y - 1)
  })
}

module.exports.server = (serv) => {
  const inner = serv.placeItem
  serv.placeItem = async (data) => {
    const { player, referencePosition, direction } = data
    const world = player.world
    const item = data.item ? data.item.name : null
    const target = await targetCell(world, referencePosition, direction, item)
    if (!target || occupied(serv, world, target.cell)) return {}
    const { cell, there } = target
    data.placedPosition.set(cell.x, cell.y, cell.z)
    data.directionVector = cell.minus(referencePosition)
    if (data.properties) data.properties.waterlogged = there.name === 'water'
    const faced = item && placedFacing(item, looking([player.position.x, player.position.y, player.position.z], [cell.x, cell.y, cell.z]))
    if (faced && data.properties) data.properties.facing = faced
    const out = await inner(data)
    const more = grown(there.name, there.getProperties(), item)
    if (!more || !out || out.id !== there.type) return out
    return { id: out.id, data: stateIdOf(serv.registry, there.name, more) - serv.registry.blocks[out.id].minStateId }
  }

  const interact = serv.interactWithBlock
  serv.interactWithBlock = async (data) => {
    const { player } = data
    const slots = player.inventory.slots
    if (player.crouching && (slots[36 + player.heldItemSlot] || slots[OFF_HAND])) return false
    return interact(data)
  }
}

module.exports.targetCell = targetCell
