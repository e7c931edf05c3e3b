'use strict'
// Block states by name for the server plugins: encode `name` + properties into a 1.19.2 state
// id (unspecified properties keep the block's default, as vanilla's /setblock does), decode a
// state id back, parse `oak_door[facing=north,open=true]`, and give items to a player.
// Not a plugin: plugins require it (server.js loads only ./plugins/*.js as plugins).

const { dropAtFeet } = require('./ground')

// Minecraft lists boolean values true first: state index 0 is `true`.
function valueIndex (state, value, blockName) {
  const text = String(value)
  if (state.type === 'bool') {
    if (text === 'true') return 0
    if (text === 'false') return 1
  } else {
    const values = state.values || []
    const i = values.indexOf(text)
    if (i >= 0) return i
  }
  const allowed = state.type === 'bool' ? ['true', 'false'] : state.values
  throw new Error(`block ${blockName}: property ${state.name} cannot be ${JSON.stringify(text)}; ` +
    `allowed: ${allowed.join(', ')}`)
}

function valueAt (state, index) {
  if (state.type === 'bool') return index === 0
  if (state.type === 'int') return Number(state.values[index])
  return state.values[index]
}

/** The block record of `name` (with or without "minecraft:"), or an error naming it. */
function blockByName (registry, name) {
  const bare = String(name).replace(/^minecraft:/, '')
  const block = registry.blocksByName[bare]
  if (!block) throw new Error(`unknown block ${JSON.stringify(name)} (Minecraft ${registry.version.minecraftVersion} block names, e.g. oak_door)`)
  return block
}

/** {name, properties} of a state id; int properties as numbers, booleans as booleans. */
function describeState (registry, stateId) {
  const block = registry.blocksByStateId[stateId]
  if (!block) throw new Error(`unknown block state id ${stateId}`)
  const properties = {}
  let rest = stateId - block.minStateId
  const states = block.states || []
  for (let i = states.length - 1; i >= 0; i--) {
    const state = states[i]
    properties[state.name] = valueAt(state, rest % state.num_values)
    rest = Math.floor(rest / state.num_values)
  }
  const ordered = {}
  for (const state of states) ordered[state.name] = properties[state.name]
  return { name: block.name, properties: ordered }
}

/** The state id of block `name` with `properties` over the block's default state. */
function stateIdOf (registry, name, properties = {}) {
  const block = blockByName(registry, name)
  const states = block.states || []
  const known = new Set(states.map(s => s.name))
  for (const key of Object.keys(properties)) {
    if (!known.has(key)) {
      throw new Error(`block ${block.name} has no property ${JSON.stringify(key)}; ` +
        (states.length ? `its properties: ${states.map(s => s.name).join(', ')}` : 'it has no properties'))
    }
  }
  const base = describeState(registry, block.defaultState).properties
  let data = 0
  for (const state of states) {
    const value = key => (key in properties ? properties[key] : base[key])
    data = data * state.num_values + valueIndex(state, value(state.name), block.name)
  }
  return block.minStateId + data
}

/** Parse `name` or `name[key=value,...]` into {name, properties} (values stay strings). */
function parseBlockSpec (spec) {
  const match = /^(?:minecraft:)?([a-z0-9_]+)(?:\[([^\]]*)\])?$/.exec(String(spec).trim())
  if (!match) throw new Error(`cannot read block ${JSON.stringify(spec)}; expected name or name[key=value,...], e.g. oak_door[facing=north,open=true]`)
  const properties = {}
  if (match[2] !== undefined && match[2].trim() !== '') {
    for (const pair of match[2].split(',')) {
      const parts = pair.split('=')
      if (parts.length !== 2 || !parts[0].trim() || !parts[1].trim()) {
        throw new Error(`cannot read block property ${JSON.stringify(pair)} in ${JSON.stringify(spec)}; expected key=value`)
      }
      properties[parts[0].trim()] = parts[1].trim()
    }
  }
  return { name: match[1], properties }
}

/** Same block, some properties changed. */
function withProperties (registry, stateId, changes) {
  const { name, properties } = describeState(registry, stateId)
  return stateIdOf(registry, name, { ...properties, ...changes })
}

// Doors, trapdoors and fence gates: blocks with an `open` state that a player or power moves
// (env/data/redstone.json, read by env/redstone.py too).
const REDSTONE = require('../data/redstone.json')
const POWER_ONLY = new Set(REDSTONE.power_only)

function isOpenable (name) {
  return REDSTONE.openable_suffixes.some(suffix => name.endsWith(suffix))
}

/** Iron doors and iron trapdoors: opened by power only. */
function isIronOpenable (name) {
  return POWER_ONLY.has(name)
}

/** The positions an openable block occupies: both halves of a door, else just `position`. */
async function openablePositions (world, position) {
  const block = await world.getBlock(position)
  if (!isOpenable(block.name)) return []
  const positions = [position]
  if (block.name.endsWith('_door')) {
    const half = block.getProperties().half
    const other = position.offset(0, half === 'lower' ? 1 : -1, 0)
    if ((await world.getBlock(other)).name === block.name) positions.push(other)
  }
  return positions
}

/**
 * Set properties (open, powered) on the door, trapdoor or fence gate at `position`, both
 * halves of a door. Returns the state {name, properties} now at `position`.
 */
async function setOpenable (serv, world, position, changes) {
  const block = await world.getBlock(position)
  if (!isOpenable(block.name)) {
    throw new Error(`no door, trapdoor or fence gate at ${position} (found ${block.name})`)
  }
  for (const pos of await openablePositions(world, position)) {
    const current = await world.getBlock(pos)
    const next = withProperties(serv.registry, current.stateId, changes)
    if (next !== current.stateId) await serv.setBlock(world, pos, next)
  }
  return describeState(serv.registry, (await world.getBlock(position)).stateId)
}

// Hotbar first, then the main inventory, as vanilla fills a player's inventory.
const INVENTORY_ORDER = [36, 37, 38, 39, 40, 41, 42, 43, 44]
for (let s = 9; s <= 35; s++) INVENTORY_ORDER.push(s)

/**
 * Put `count` of item `name` into the player's inventory (topping up stacks, then empty slots);
 * what does not fit is dropped at the player's feet as `kind` says (./ground.js: block_drop, the
 * default, for a block's or an animal's loot handed to the player who broke or killed it;
 * player_drop for what the player's own use of an item yields). Returns the number placed in
 * the inventory.
 */
function giveItem (serv, player, name, count, kind = 'block_drop') {
  const registry = serv.registry
  const item = registry.itemsByName[String(name).replace(/^minecraft:/, '')]
  if (!item) throw new Error(`unknown item ${JSON.stringify(name)}`)
  if (!Number.isInteger(count) || count < 0) throw new Error(`item count must be a whole number >= 0, got ${count}`)
  const Item = require('prismarine-item')(registry)
  const slots = player.inventory.slots
  let left = count
  for (const slot of INVENTORY_ORDER) {
    const held = slots[slot]
    if (left === 0) break
    if (held && held.type === item.id && held.count < item.stackSize) {
      const add = Math.min(left, item.stackSize - held.count)
      player.inventory.updateSlot(slot, new Item(item.id, held.count + add, held.metadata, held.nbt))
      left -= add
    }
  }
  for (const slot of INVENTORY_ORDER) {
    if (left === 0) break
    if (!slots[slot]) {
      const add = Math.min(left, item.stackSize)
      player.inventory.updateSlot(slot, new Item(item.id, add))
      left -= add
    }
  }
  if (left > 0) dropAtFeet(serv, player, item.id, left, kind)
  return count - left
}

/**
 * `fn` wrapped so that an error is logged (with `label`) instead of escaping: flying-squid runs
 * plugin handlers from packet events, where an escaping error would stop the whole server.
 * The wrapper then returns `fallback`.
 */
function guarded (label, fn, fallback = undefined) {
  return async (...args) => {
    try {
      return await fn(...args)
    } catch (err) {
      process.stderr.write(`${label} failed: ${err && err.stack ? err.stack : err}\n`)
      return fallback
    }
  }
}

module.exports = {
  guarded,
  blockByName,
  describeState,
  stateIdOf,
  parseBlockSpec,
  withProperties,
  isOpenable,
  isIronOpenable,
  openablePositions,
  setOpenable,
  giveItem
}
