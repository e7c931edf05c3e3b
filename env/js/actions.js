'use strict'
// The action bodies of the `env.minecraft` backend: one function per action of env/actions.py.
//
// Python calls `start(botName, actionName, argsJson, jobId)` (one bridge hop, returns at once);
// when the action ends, bot.js's `events` emits ('done', jobId, resultJson). `run(...)` is the same as a
// promise. A result is {ok, reason, seconds, ...extra}: extra carries what the action read
// from the server on the way (the chest's contents after take/put, the block after
// place/activate, the items gained), so the backend need not ask again.
//
// A refused action changes nothing: every precondition the game lets us see is checked before
// the first packet that would change the world.

const { goals } = require('mineflayer-pathfinder')
const { Vec3 } = require('vec3')
const { get, online, inventoryOf, sleep, vec, command, events } = require('./bot')
// How each block is placed: the item held, what else it uses up (env/data/block_items.json,
// the table the Python side reads too, through env/placement.py).
const BLOCK_ITEMS = require('../data/block_items.json').blocks

class Refused extends Error {}

function refuse (reason) {
  throw new Refused(reason)
}

function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Refused(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function at (pos) {
  return new Vec3(pos[0], pos[1], pos[2])
}

function blockAtOrRefuse (bot, pos, what) {
  const block = bot.blockAt(at(pos))
  if (!block) refuse(`the block at ${pos} is not loaded for ${bot.username}`)
  if (what && !what(block)) return block
  return block
}

function itemId (bot, name) {
  const item = bot.registry.itemsByName[name]
  if (!item) refuse(`unknown item ${name}`)
  return item.id
}

function count (bot, name) {
  return inventoryOf(bot)[name] || 0
}

function diff (before, after) {
  const out = {}
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[name] || 0) - (before[name] || 0)
    if (d !== 0) out[name] = d
  }
  return out
}

function containerCounts (window) {
  const counts = {}
  for (const item of window.containerItems()) counts[item.name] = (counts[item.name] || 0) + item.count
  return counts
}

function blockInfo (block) {
  return block ? { name: block.name, state: block.getProperties() } : null
}

// ---- movement --------------------------------------------------------------------------------

// Ends any walk. Not pathfinder.stop(): after a walk that has already failed, stop() leaves a
// flag behind that makes the next walk fail at once ("Path was stopped").
function halt (bot) {
  bot.pathfinder.setGoal(null)
  bot.clearControlStates()
}

async function goto (bot, goal, distance) {
  const ms = 10000 + 1500 * distance
  try {
    await withTimeout(bot.pathfinder.goto(goal), ms, 'walking')
  } catch (err) {
    halt(bot)
    refuse(err instanceof Refused ? err.message : `no path: ${err.message}`)
  }
}

async function moveTo (bot, { pos, within = 0 }) {
  const target = at(pos)
  const distance = bot.entity.position.distanceTo(target.offset(0.5, 0, 0.5))
  const goal = within > 0
    ? new goals.GoalNear(target.x, target.y, target.z, within)
    : new goals.GoalBlock(target.x, target.y, target.z)
  await goto(bot, goal, distance)
  if (within === 0) await centre(bot, target)
  return { pos: vec(bot.entity.position) }
}

// Sneaks to the middle of the cell the walk ended in: a bot at a cell's edge overlaps the
// next cell, where another player may be about to build (the simulator stands agents at the
// middle of their cell).
async function centre (bot, cell) {
  const mid = cell.offset(0.5, 0, 0.5)
  const flat = () => Math.hypot(bot.entity.position.x - mid.x, bot.entity.position.z - mid.z)
  const deadline = Date.now() + 1500
  try {
    while (flat() > 0.15 && Date.now() < deadline) {
      await bot.lookAt(mid.offset(0, bot.entity.height * 0.9, 0), true)
      bot.setControlState('sneak', true)
      bot.setControlState('forward', true)
      await sleep(50)
      bot.setControlState('forward', false)
    }
  } finally {
    bot.clearControlStates()
  }
}

// Walks over the item entities lying within `radius` of `where` until none is left or the
// time is up; answers the inventory gained.
async function collectDrops (bot, where, before, radius = 3, ms = 4000) {
  const deadline = Date.now() + ms
  await sleep(300)
  while (Date.now() < deadline) {
    const drops = Object.values(bot.entities).filter(e => e.name === 'item' && e.isValid &&
      e.position.distanceTo(where) <= radius)
    if (drops.length === 0) break
    const drop = drops[0]
    const p = drop.position.floored()
    try {
      await withTimeout(bot.pathfinder.goto(new goals.GoalNear(p.x, p.y, p.z, 0.5)), 4000, 'collecting')
    } catch (err) {
      halt(bot)
    }
    const until = Date.now() + 800
    while (Date.now() < until && bot.entities[drop.id]) await sleep(50)
    if (bot.entities[drop.id]) break
  }
  return diff(before, inventoryOf(bot))
}

// ---- containers ------------------------------------------------------------------------------

async function openChest (bot, pos) {
  const block = blockAtOrRefuse(bot, pos)
  if (!/chest|barrel|shulker_box/.test(block.name)) refuse(`no chest at ${pos} (${block.name})`)
  try {
    return await withTimeout(bot.openContainer(block), 5000, `opening the chest at ${pos}`)
  } catch (err) {
    refuse(`could not open the chest at ${pos}: ${err.message}`)
  }
}

function windowCount (window, name) {
  // While a window is open the player's items are its inventory section, not bot.inventory.
  return window.items().filter(i => i.name === name).reduce((n, i) => n + i.count, 0)
}

async function take (bot, { pos, item, count: n = 1 }) {
  const type = itemId(bot, item)
  const chest = await openChest(bot, pos)
  try {
    const held = containerCounts(chest)[item] || 0
    if (held < n) refuse(`the chest at ${pos} holds ${held} ${item}, not ${n}`)
    const before = windowCount(chest, item)
    await withTimeout(chest.withdraw(type, null, n), 5000, 'taking')
    const took = windowCount(chest, item) - before
    if (took !== n) refuse(`took ${took} ${item}, not ${n}`)
    return { container: containerCounts(chest) }
  } catch (err) {
    if (err instanceof Refused) err.extra = { container: containerCounts(chest) }
    throw err
  } finally {
    chest.close()
  }
}

async function put (bot, { pos, item, count: n = 1 }) {
  const type = itemId(bot, item)
  if (count(bot, item) < n) refuse(`missing ingredients: ${n - count(bot, item)} ${item}`)
  const chest = await openChest(bot, pos)
  try {
    const before = windowCount(chest, item)
    await withTimeout(chest.deposit(type, null, n), 5000, 'putting')
    const gave = before - windowCount(chest, item)
    if (gave !== n) refuse(`put ${gave} ${item}, not ${n}`)
    return { container: containerCounts(chest) }
  } catch (err) {
    if (err instanceof Refused) err.extra = { container: containerCounts(chest) }
    throw err
  } finally {
    chest.close()
  }
}

// ---- crafting and smelting -------------------------------------------------------------------

async function craft (bot, { item, times = 1, table = null }) {
  const type = itemId(bot, item)
  let tableBlock = null
  if (table) {
    tableBlock = blockAtOrRefuse(bot, table)
    if (tableBlock.name !== 'crafting_table') refuse(`no crafting table at ${table} (${tableBlock.name})`)
  }
  const recipes = bot.recipesFor(type, null, 1, tableBlock)
  const recipe = recipes.find(r => canCraftTimes(bot, r, times))
  if (!recipe) {
    const byHand = bot.recipesAll(type, null, null).length > 0
    if (!tableBlock && !byHand && bot.recipesAll(type, null, true).length > 0) refuse(`${item} needs a crafting table (give table)`)
    refuse(`missing ingredients to craft ${item} x${times}`)
  }
  const before = inventoryOf(bot)
  await withTimeout(bot.craft(recipe, times, tableBlock), 10000 + 1000 * times, `crafting ${item}`)
  const gained = diff(before, inventoryOf(bot))
  if ((gained[item] || 0) < recipe.result.count * times) {
    refuse(`crafting ${item} gave ${gained[item] || 0}, not ${recipe.result.count * times}`)
  }
  return { gained }
}

function canCraftTimes (bot, recipe, times) {
  const need = {}
  for (const d of recipe.delta) if (d.count < 0) need[d.id] = (need[d.id] || 0) - d.count * times
  return Object.entries(need).every(([id, n]) => bot.inventory.count(Number(id), null) >= n)
}

async function smelt (bot, { furnace: pos, item, count: n = 1, fuel = 'coal', fuel_count: fuelCount = 1 }) {
  const inputType = itemId(bot, item)
  const fuelType = itemId(bot, fuel)
  const need = { [item]: n }
  need[fuel] = (need[fuel] || 0) + fuelCount
  for (const [name, k] of Object.entries(need)) {
    if (count(bot, name) < k) refuse(`missing ingredients: ${k - count(bot, name)} ${name}`)
  }
  const block = blockAtOrRefuse(bot, pos)
  if (block.name !== 'furnace') refuse(`no furnace at ${pos} (${block.name})`)
  const before = inventoryOf(bot)
  const furnace = await withTimeout(bot.openFurnace(block), 5000, `opening the furnace at ${pos}`)
  try {
    if (furnace.inputItem() || furnace.fuelItem() || furnace.outputItem()) {
      refuse(`the furnace at ${pos} is in use`)
    }
    await furnace.putFuel(fuelType, null, fuelCount)
    await furnace.putInput(inputType, null, n)
    let out = 0
    const deadline = Date.now() + 12000 * n + 10000
    while (out < n && Date.now() < deadline) {
      await sleep(200)
      const output = furnace.outputItem()
      if (output) {
        await furnace.takeOutput()
        out += output.count
      }
    }
    if (out < n) {
      // Give back what is left, so that a failed smelt does not strand the items.
      if (furnace.inputItem()) await furnace.takeInput()
      if (furnace.fuelItem()) await furnace.takeFuel()
      refuse(`the furnace at ${pos} smelted ${out} of ${n} ${item} in time`)
    }
    if (furnace.fuelItem()) await furnace.takeFuel()
    return { gained: diff(before, inventoryOf(bot)) }
  } finally {
    furnace.close()
  }
}

// ---- blocks ----------------------------------------------------------------------------------

async function equipBestTool (bot, block) {
  const tool = bot.pathfinder.bestHarvestTool(block)
  if (tool) await bot.equip(tool, 'hand')
  else if (block.harvestTools) refuse(`${block.name} needs a tool: any of ${Object.keys(block.harvestTools).map(id => bot.registry.items[id].name).join(', ')}`)
}

async function dig (bot, { pos }) {
  const block = blockAtOrRefuse(bot, pos)
  if (block.boundingBox === 'empty' && block.name === 'air') refuse(`nothing to dig at ${pos} (${block.name})`)
  if (!bot.canDigBlock(block)) refuse(`${block.name} at ${pos} cannot be dug from here`)
  await equipBestTool(bot, block)
  const before = inventoryOf(bot)
  await withTimeout(bot.dig(block, true), 30000, `digging ${block.name}`)
  const gained = await collectDrops(bot, at(pos).offset(0.5, 0.5, 0.5), before)
  return { gained, block: blockInfo(bot.blockAt(at(pos))) }
}

const FACES = [[0, -1, 0], [0, 1, 0], [1, 0, 0], [-1, 0, 0], [0, 0, 1], [0, 0, -1]]
const YAW = { north: 0, west: Math.PI / 2, south: Math.PI, east: -Math.PI / 2 }
const OPPOSITE = { north: 'south', south: 'north', east: 'west', west: 'east', up: 'down', down: 'up' }
// The index in FACES of the neighbour in each direction.
const FACE_OF = { down: 0, up: 1, east: 2, west: 3, south: 4, north: 5 }

// `item` names the block to place; the bot holds the item that places it (a torch for a
// wall_torch, wheat_seeds for wheat: BLOCK_ITEMS).
async function place (bot, { item, pos, facing = null }) {
  if (!bot.registry.blocksByName[item]) refuse(`${item} is not a block`)
  const how = BLOCK_ITEMS[item]
  if (!how || !how.item) refuse(`${item} cannot be placed by a player`)
  const needs = { [how.item]: 1 }
  for (const [name, n] of Object.entries(how.extra || {})) needs[name] = (needs[name] || 0) + n
  const have = inventoryOf(bot)
  const missing = Object.entries(needs).filter(([name, n]) => (have[name] || 0) < n)
  if (missing.length) refuse(`missing ingredients: ${missing.sort().map(([name, n]) => `${n - (have[name] || 0)} ${name}`).join(', ')}`)
  const type = itemId(bot, how.item)
  const held = bot.inventory.items().find(i => i.type === type)
  const target = blockAtOrRefuse(bot, pos)
  if (target.boundingBox !== 'empty') refuse(`${pos} is taken by ${target.name}`)
  let ref = null
  let face = null
  // With an axis asked for, prefer a neighbour along that axis (logs take the clicked face's axis).
  // A wall variant (wall_torch facing west) hangs on the block behind it (east of it).
  const wallFace = item.includes('wall_') && FACE_OF[facing] !== undefined ? [FACE_OF[OPPOSITE[facing]]] : []
  const order = wallFace.length ? wallFace : facing === 'x' ? [2, 3, 0, 1, 4, 5] : facing === 'z' ? [4, 5, 0, 1, 2, 3] : [0, 1, 2, 3, 4, 5]
  for (const i of order) {
    const [dx, dy, dz] = FACES[i]
    const n = bot.blockAt(at(pos).offset(dx, dy, dz))
    if (n && n.boundingBox === 'block') {
      ref = n
      face = new Vec3(-dx, -dy, -dz)
      break
    }
  }
  if (!ref) refuse(`nothing to place against at ${pos}: no solid neighbour`)
  await bot.equip(held, 'hand')
  if (facing && YAW[facing] !== undefined) {
    // Blocks that face the player (furnaces, chests) face opposite to where the player looks.
    await bot.look(YAW[OPPOSITE[facing]], 0, true)
  }
  // With extra items (a flower pot, then the plant put in it) the held item makes a first block.
  const first = how.extra ? how.item : item
  try {
    await withTimeout(bot._genericPlace(ref, face, { forceLook: facing ? 'ignore' : true }), 5000, `placing ${item}`)
  } catch (err) {
    const now = bot.blockAt(at(pos))
    if (!now || now.name !== first) refuse(`could not place ${item} at ${pos}: ${err.message}`)
  }
  await waitFor(() => { const b = bot.blockAt(at(pos)); return b && b.name === first }, 3000)
  for (const extra of Object.keys(how.extra || {})) {
    await bot.equip(bot.inventory.items().find(i => i.name === extra), 'hand')
    await withTimeout(bot.activateBlock(bot.blockAt(at(pos))), 5000, `putting ${extra} into ${first}`)
  }
  if (how.extra) await waitFor(() => { const b = bot.blockAt(at(pos)); return b && b.name === item }, 3000)
  let block = bot.blockAt(at(pos))
  if (!block || block.name !== item) refuse(`could not place ${item} at ${pos}`)
  const want = facing === 'x' || facing === 'y' || facing === 'z' ? ['axis', facing] : facing ? ['facing', facing] : null
  const props = block.getProperties()
  if (want && want[0] in props && props[want[0]] !== want[1]) {
    const state = Object.entries({ ...props, [want[0]]: want[1] }).map(([k, v]) => `${k}=${v}`).join(',')
    await command(bot.username, `/setblock ${pos.join(' ')} ${item}[${state}]`, 0)
    await waitFor(() => bot.blockAt(at(pos)).getProperties()[want[0]] === want[1], 2000)
    block = bot.blockAt(at(pos))
  }
  return { block: blockInfo(block) }
}

async function waitFor (test, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (test()) return true
    await sleep(50)
  }
  return test()
}

async function activate (bot, { pos }) {
  const block = blockAtOrRefuse(bot, pos)
  const before = JSON.stringify(block.getProperties())
  await withTimeout(bot.activateBlock(block), 5000, `using ${block.name}`)
  await waitFor(() => JSON.stringify(bot.blockAt(at(pos)).getProperties()) !== before, 2000)
  return { block: blockInfo(bot.blockAt(at(pos))) }
}

async function stepOn (bot, { pos, hold_s: hold = 2 }) {
  const block = blockAtOrRefuse(bot, pos)
  if (!block.name.endsWith('_pressure_plate')) refuse(`no pressure plate at ${pos} (${block.name})`)
  const target = at(pos)
  await goto(bot, new goals.GoalBlock(target.x, target.y, target.z), bot.entity.position.distanceTo(target))
  await sleep(hold * 1000)
  return { pos: vec(bot.entity.position), block: blockInfo(bot.blockAt(target)) }
}

// ---- animals ---------------------------------------------------------------------------------

function nearest (bot, type, reach) {
  let best = null
  let bestD = Infinity
  for (const e of Object.values(bot.entities)) {
    if (e.name !== type || !e.isValid) continue
    const d = e.position.distanceTo(bot.entity.position)
    if (d <= reach && d < bestD) { best = e; bestD = d }
  }
  return best
}

async function kill (bot, { entity: type }) {
  const target = nearest(bot, type, 4.0)
  if (!target) refuse(`no ${type} within reach`)
  const before = inventoryOf(bot)
  const sword = bot.inventory.items().find(i => i.name.endsWith('_sword'))
  if (sword) await bot.equip(sword, 'hand')
  const deadline = Date.now() + 20000
  let where = target.position.clone()
  while (bot.entities[target.id] && Date.now() < deadline) {
    where = target.position.clone()
    await bot.lookAt(target.position.offset(0, (target.height || 1) / 2, 0), true)
    bot.attack(target)
    await sleep(500)
  }
  if (bot.entities[target.id]) refuse(`the ${type} did not die in time`)
  const gained = await collectDrops(bot, where, before)
  return { gained }
}

async function milk (bot, { entity: type = 'cow' }) {
  const bucket = bot.inventory.items().find(i => i.name === 'bucket')
  if (!bucket) refuse('missing ingredients: 1 bucket')
  const target = nearest(bot, type, 4.0)
  if (!target) refuse(`no ${type} within reach`)
  const before = inventoryOf(bot)
  await bot.equip(bucket, 'hand')
  await bot.lookAt(target.position.offset(0, (target.height || 1) / 2, 0), true)
  await bot.activateEntity(target)
  const ok = await waitFor(() => count(bot, 'milk_bucket') > (before.milk_bucket || 0), 3000)
  if (!ok) refuse(`the ${type} gave no milk`)
  return { gained: diff(before, inventoryOf(bot)) }
}

async function wait (bot, { seconds = 1 }) {
  await sleep(seconds * 1000)
  return {}
}

const BODIES = {
  move_to: moveTo,
  take,
  put,
  craft,
  smelt,
  dig,
  place,
  kill,
  milk,
  activate,
  step_on: stepOn,
  wait
}

// The longest an action may take before it is called failed (the bridge waits a bit longer).
function limitMs (name, args) {
  if (name === 'smelt') return 12000 * (args.count || 1) + 30000
  if (name === 'wait') return 1000 * (args.seconds || 0) + 5000
  if (name === 'step_on') return 1000 * (args.hold_s || 0) + 60000
  return 60000
}

async function run (botName, name, argsJson) {
  const started = Date.now()
  const finish = (extra) => JSON.stringify({ seconds: (Date.now() - started) / 1000, ...extra })
  const body = BODIES[name]
  if (!body) return finish({ ok: false, reason: `unknown action ${name}; known: ${Object.keys(BODIES).join(', ')}` })
  let bot
  try {
    bot = get(botName)
  } catch (err) {
    return finish({ ok: false, reason: err.message })
  }
  if (!online(bot)) return finish({ ok: false, reason: `${botName} is not connected`, offline: true })
  const args = JSON.parse(argsJson)
  try {
    const extra = await withTimeout(body(bot, args), limitMs(name, args), name)
    return finish({ ok: true, reason: null, ...extra })
  } catch (err) {
    if (!online(bot)) return finish({ ok: false, reason: `${botName} was disconnected`, offline: true })
    const reason = err instanceof Refused ? err.message : `${name} failed: ${err && err.message ? err.message : err}`
    return finish({ ...(err && err.extra ? err.extra : {}), ok: false, reason })
  }
}

function start (botName, name, argsJson, jobId) {
  run(botName, name, argsJson).then(
    (result) => events.emit('done', jobId, result),
    (err) => events.emit('done', jobId, JSON.stringify({ ok: false, reason: String(err), seconds: 0 })))
  return jobId
}

module.exports = { run, start, events, BODIES }
