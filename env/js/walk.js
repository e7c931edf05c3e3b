'use strict'
// The server bots' walking rules: mineflayer-pathfinder's Movements, with the simulator's
// reading of panels (env/sim/path.py). Stock Movements take any block whose minecraft-data
// boundingBox is 'block' for a wall, whatever its state, so a bot never walks through an open
// door, where a player does. Here a block's collision boxes for its state (prismarine-block's
// `shapes`, from minecraft-data's blockCollisionShapes) decide, as they do for the simulator:
// boxes above the low floor that leave a free stretch of the body's width across one axis make
// a panel, passable along that axis only; a move that starts or ends in a panel cell goes
// straight along its free axis, never diagonally. A block with no box at all (an open fence
// gate) is passable; a floor no higher than 2 - body_height (a closed trapdoor) is stood in,
// as the simulator does, and higher low floors (slabs) keep stock handling. A bot drops off a
// ledge of any height, as the simulator's agents (max_drop). Numbers from env/data/walking.json.

const { Movements } = require('mineflayer-pathfinder')
const { Vec3 } = require('vec3')
const WALKING = require('../data/walking.json')

const NO_X = 1 // no move along x into, out of or through the cell
const NO_Z = 2 // no move along z
const PANEL = NO_X | NO_Z

/** The widest free stretch of [0, 1] that the spans [lo, hi] leave. */
function gap (spans) {
  let best = 0
  let at = 0
  for (const [lo, hi] of [...spans].sort((a, b) => a[0] - b[0])) {
    best = Math.max(best, lo - at)
    at = Math.max(at, hi)
  }
  return Math.max(best, 1 - at)
}

/**
 * NO_X / NO_Z of a block state's collision boxes ([x0, y0, z0, x1, y1, z1] in block units) for
 * a body walking through it: 0 for no box or only a low floor, PANEL when the body fits along
 * neither axis (a wall).
 */
function panelBits (shapes) {
  const body = (shapes || []).filter(b => b[4] > WALKING.low_floor)
  if (body.length === 0) return 0
  let bits = 0
  if (gap(body.map(b => [b[2], b[5]])) < WALKING.body_width) bits |= NO_X
  if (gap(body.map(b => [b[0], b[3]])) < WALKING.body_width) bits |= NO_Z
  return bits
}

/** Whether every box is a low floor (slabs, closed trapdoors: stock Movements stand on them). */
function lowOnly (shapes) {
  return shapes.length > 0 && shapes.every(b => b[4] <= WALKING.low_floor)
}

function top (shapes) {
  return Math.max(...shapes.map(b => b[4]))
}

class PanelMovements extends Movements {
  constructor (bot) {
    super(bot)
    // pathfinder's maxDropDown counts from the block landed on, one below the feet
    this.maxDropDown = WALKING.max_drop + 1
  }

  getBlock (pos, dx, dy, dz) {
    const b = super.getBlock(pos, dx, dy, dz)
    b.panel = 0
    if (b.physical && b.shapes && lowOnly(b.shapes) && top(b.shapes) <= 2 - WALKING.body_height) {
      // a floor so low (a closed trapdoor, 3/16) that the body stands in its cell under a
      // ceiling two blocks above the ground, as on a carpet: walked into, not climbed onto
      b.physical = false
      b.safe = !this.blocksToAvoid.has(b.type)
      return b
    }
    if (b.physical && !b.climbable && b.shapes && !lowOnly(b.shapes)) {
      const bits = panelBits(b.shapes)
      if (bits !== PANEL) {
        b.panel = bits
        b.physical = false
        b.safe = !this.blocksToAvoid.has(b.type)
      }
    }
    return b
  }

  /** Panel bits of the body's two cells with its feet at (x, y, z). */
  bodyPanels (x, y, z) {
    const at = { x, y, z }
    return this.getBlock(at, 0, 0, 0).panel | this.getBlock(at, 0, 1, 0).panel
  }

  /** Whether the body fits with its feet at (x, y, z): both cells passable, no panel. */
  bodyFree (x, y, z) {
    const at = { x, y, z }
    const feet = this.getBlock(at, 0, 0, 0)
    const head = this.getBlock(at, 0, 1, 0)
    return !feet.physical && !head.physical && (feet.panel | head.panel) === 0
  }

  getNeighbors (node) {
    const here = this.bodyPanels(node.x, node.y, node.z)
    return super.getNeighbors(node).filter(m => {
      const dx = m.x - node.x
      const dz = m.z - node.z
      if (dx === 0 && dz === 0) return true // straight up or down
      const there = this.bodyPanels(m.x, m.y, m.z) | this.bodyPanels(m.x, node.y, m.z)
      if (dx !== 0 && dz !== 0) {
        if ((here | there) !== 0) return false
        // A level or downward diagonal passes both side columns, as the simulator's walk:
        // stock pathfinder needs only one free, and the body (0.6 wide) then catches the
        // corner of the other (a doorway beside a wall: stuck, replanned the same, forever).
        // A diagonal jump up keeps stock's rule (one side free at the upper level).
        return m.y > node.y || (this.bodyFree(node.x + dx, node.y, node.z) &&
          this.bodyFree(node.x, node.y, node.z + dz))
      }
      const axis = dx !== 0 ? NO_X : NO_Z
      return ((here | there) & axis) === 0
    })
  }
}

/**
 * Keeps the bot's path on the floor of panel cells. mineflayer-pathfinder moves each path node
 * onto the highest box of the block in its cell (meant for slabs), which for an open door is
 * its top, a block up; the bot then walks at the door's top edge and never gets through. Every
 * computed path is announced ('path_update') before it is walked, so its nodes are put back
 * on the cell's floor here.
 */
function keepPathOnPanelFloors (bot) {
  bot.on('path_update', (results) => {
    for (const node of results.path || []) {
      const x = Math.floor(node.x)
      const z = Math.floor(node.z)
      const y = Math.round(node.y) - 1
      if (Math.abs(node.y - (y + 1)) > 1e-9) continue
      const block = bot.blockAt(new Vec3(x, y, z), false)
      if (!block || !block.shapes || block.shapes.length === 0 || lowOnly(block.shapes)) continue
      const top = Math.max(...block.shapes.map(b => b[4]))
      if (Math.abs(top - 1) > 1e-9 || panelBits(block.shapes) === PANEL) continue
      node.x = x + 0.5
      node.y = y
      node.z = z + 0.5
    }
  })
}

// The step exclusion (pathfinder's Movements.exclusionAreasStep) of a task's bounds
// ([[x0, y0, z0], [x1, y1, z1]], inclusive): a move whose body enters a column outside them
// costs past pathfinder's limit (100), so no walk leaves them, as the simulator's walks never
// do (env/sim/path.py Walker.neighbours).
function outsideBounds (bounds) {
  const [[x0, , z0], [x1, , z1]] = bounds
  return (block) => {
    const p = block.position
    return p.x < x0 || p.x > x1 || p.z < z0 || p.z > z1 ? 1000 : 0
  }
}

module.exports = { PanelMovements, keepPathOnPanelFloors, panelBits, outsideBounds, NO_X, NO_Z, PANEL }
