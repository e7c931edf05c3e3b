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
// The rest of the placed state is env/js/placing.js's (the rules the simulator reads): a
// barrel, piston or observer faces by the nearest of six directions to the look, a shulker
// box, end rod or lightning rod out of the clicked face, a trapdoor out of a clicked side or
// toward the player; a slab (`type`), stairs or trapdoor (`half`) is top when the click hits
// a block's bottom face or a side above its middle; a door takes its hinge from its
// neighbours (DoorBlock.getHinge); a bed puts its head in the next cell the way it faces and
// is not placed when that cell cannot be replaced (BedBlock); a chest joins a single chest
// beside it, by the player's sneaking and the clicked face (env/js/chests.js).
// Loads before support.js (plugins load in name order), whose support check wraps this one.
// Event: none.

const { Vec3 } = require('vec3')
const { replaceable, grown, growsOnFace } = require('../../js/replaceable')
const { stateIdOf } = require('../blockstate')
const { looking, placedFacing } = require('../../js/facing')
const placing = require('../../js/placing')
const chests = require('../../js/chests')

// flying-squid's block_place directions: 0 down, 1 up, 2 north, 3 south, 4 west, 5 east
const STEP = [new Vec3(0, -1, 0), new Vec3(0, 1, 0), new Vec3(0, 0, -1), new Vec3(0, 0, 1), new Vec3(-1, 0, 0), new Vec3(1, 0, 0)]
const OFF_HAND = 45

// flying-squid's direction numbers by face name, and back
const FACE = { down: 0, up: 1, north: 2, south: 3, west: 4, east: 5 }
const FACE_NAME = ['down', 'up', 'north', 'south', 'west', 'east']
const AIR = { name: 'air', props: {}, shapes: [], solid: false }

// The blocks around `cell` and the cell above it (a door's upper half), as env/js/placing.js
// reads them, read ahead (the world is read asynchronously, the rules synchronously).
async function around (world, cell) {
  const near = new Map()
  for (let dx = -1; dx <= 1; dx++) {
    for (let dy = -1; dy <= 2; dy++) {
      for (let dz = -1; dz <= 1; dz++) {
        const b = await world.getBlock(cell.offset(dx, dy, dz))
        near.set(`${cell.x + dx},${cell.y + dy},${cell.z + dz}`,
          b ? { name: b.name, props: b.getProperties(), shapes: b.shapes, solid: b.boundingBox === 'block' } : AIR)
      }
    }
  }
  return p => near.get(p.join(',')) || AIR
}

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
  const registry = serv.registry
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
    const feet = [player.position.x, player.position.y, player.position.z]
    const at = [cell.x, cell.y, cell.z]
    let head = null // a bed's head cell
    let blockAt = null
    const look = looking(feet, at)
    const faced = item && placedFacing(item, look)
    if (faced && data.properties) data.properties.facing = faced
    if (item && data.properties && registry.blocksByName[item]) {
      // the click's hit point relative to the cell (the cursor is the clicked block's)
      const c = player._placeCursor || { x: 0.5, y: 0.5, z: 0.5 }
      const ref = referencePosition
      const hit = [ref.x + c.x - cell.x, ref.y + c.y - cell.y, ref.z + c.z - cell.z]
      blockAt = await around(world, cell)
      Object.assign(data.properties, placing.placingExtras(item, null, at, look,
        placing.nearestLooking(feet, at), FACE_NAME[direction] || null, blockAt, hit))
      // a chest beside a single chest joins it (ChestBlock.getStateForPlacement; the chests
      // beside take their half as chest.js reshapes them once the block is set)
      Object.assign(data.properties, chests.placedChest(item, at, data.properties.facing,
        FACE_NAME[direction] || null, Boolean(player.crouching), blockAt))
      head = placing.headCell(item, at, null, look)
      if (head) {
        const headThere = blockAt(head)
        if (!replaceable(headThere.name, headThere.props, item)) return {}
      }
    }
    let view = null // the world as it is once the block is placed (stairs' shapes)
    if (item && data.properties && registry.blocksByName[item]) {
      const mine = { name: item, props: { ...data.properties } }
      view = p => (p[0] === at[0] && p[1] === at[1] && p[2] === at[2] ? mine : blockAt(p))
      const own = placing.reshaped(at, view).find(([c]) => c === at)
      if (own) data.properties.shape = own[2].shape
    }
    const out = await inner(data)
    if (head && out && out.id === registry.blocksByName[item].id) {
      const headState = stateIdOf(registry, item, { facing: data.properties.facing, part: 'head' })
      setImmediate(() => serv.setBlock(world, new Vec3(...head), headState))
    }
    if (view && out && out.id === registry.blocksByName[item].id) {
      // stairs beside take their corner shape with this block there (StairBlock.updateShape)
      for (const [cell, name, props] of placing.reshaped(at, view).filter(([c]) => c !== at)) {
        setImmediate(() => serv.setBlock(world, new Vec3(...cell), stateIdOf(registry, name, props)))
      }
    }
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

// The cursor of the player's last click (block_place), relative to the clicked block, kept for
// the placed state (a side face hit above its middle places a top slab). flying-squid's own
// handler reads the world before it places, so this is set by then.
module.exports.player = (player) => {
  player._client.on('block_place', ({ cursorX, cursorY, cursorZ } = {}) => {
    if (typeof cursorY === 'number') player._placeCursor = { x: cursorX, y: cursorY, z: cursorZ }
  })
}

module.exports.targetCell = targetCell
