'use strict'
// The action bodies of the `env.minecraft` backend: one function per action of env/actions.py.
//
// Python calls `start(botName, actionName, argsJson, jobId)` (one bridge hop, returns at once);
// when the action ends, bot.js's `events` emits ('done', jobId, resultJson). `run(...)` is the same as a
// promise. A result is {ok, reason, code, params, seconds, ...extra}: a refusal carries its typed
// code (env/data/refusals.json, through ./refusals.js) and the values its text names; extra
// carries what the action read from the server on the way (the chest's contents after
// take/put, the block after place/activate, the items gained), so the backend need not ask again.
//
// A refused action changes nothing: every precondition (reach, what the chest holds, room in the
// inventory or the chest, the station being free, ...) is checked before the first packet that
// would change the world, in the order env/actions.py's check() tests them. Reach is measured as
// the Judger measures it (env/data/reach.json).

const fs = require('fs')
const path = require('path')
const { goals } = require('mineflayer-pathfinder')
const { Vec3 } = require('vec3')
const { get, online, inventoryOf, sleep, vec, command, events, bots } = require('./bot')
const { Refused, refused, CODES: C } = require('./refusals')
const { smelting, stationFuelTicks } = require('./smelting')
const { expand } = require('./tags')
const support = require('./support')
const gravity = require('./gravity')
const placing = require('./placing')
const chests = require('./chests')
const { looking } = require('./facing')
const { replaceable, grown } = require('./replaceable')
const { nothingToDig } = require('./dig')
const { outsideBounds } = require('./walk')
const { LOOT } = require('./loot')
const attack = require('./attack')
const { loadRecipes, REMAINDERS } = require('../server/plugins/crafting')
// How each block is placed: the item held, what else it uses up (env/data/block_items.json,
// the table the Python side reads too, through env/placement.py).
const BLOCK_ITEMS = require('../data/block_items.json').blocks

const DATA_DIR = path.join(__dirname, '..', 'data')
const REACH = JSON.parse(fs.readFileSync(path.join(DATA_DIR, 'reach.json'), 'utf8'))
const SMELT_POLL_S = 0.2
// Ticks a furnace's fire may burn between the look at it and the input going in (the fuel and
// input puts' round trips on a loaded machine).
const LOADING_TICKS = 20

function refuse (code, params = {}) {
  throw refused(code, params)
}

function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(refused(C.TIMED_OUT, { what, seconds: Math.round(ms / 1000) })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function at (pos) {
  return new Vec3(pos[0], pos[1], pos[2])
}

function blockAtOrRefuse (bot, pos) {
  const block = bot.blockAt(at(pos))
  if (!block) refuse(C.NOT_LOADED, { pos, agent: bot.username })
  return block
}

function itemId (bot, name) {
  const item = bot.registry.itemsByName[name]
  if (!item) refuse(C.UNKNOWN_ITEM, { item: name })
  return item.id
}

function round1 (v) {
  return Math.round(v * 10) / 10
}

// Whether the block at pos is within reach of the bot's eyes (as env/world.py's in_reach).
function inReach (bot, pos) {
  const p = bot.entity.position
  const eyes = p.offset(0, REACH.eye_height, 0)
  return eyes.distanceTo(at(pos).offset(0.5, 0.5, 0.5)) <= REACH.block + REACH.block_slack
}

function requireReach (bot, pos) {
  if (!inReach(bot, pos)) {
    const p = bot.entity.position
    refuse(C.OUT_OF_REACH, { pos, where: [round1(p.x), round1(p.y), round1(p.z)], reach: REACH.block })
  }
}

function requireItems (bot, need) {
  const inv = inventoryOf(bot)
  const missing = {}
  for (const [name, k] of Object.entries(need)) if ((inv[name] || 0) < k) missing[name] = k - (inv[name] || 0)
  const names = Object.keys(missing).sort()
  if (names.length) refuse(C.MISSING_ITEMS, { what: names.map(n => `${missing[n]} ${n}`).join(', '), missing })
}

// How many of item `type` fit into slots [start, end) of `slots` (merging stacks, then empty slots).
function roomFor (bot, slots, start, end, type) {
  const stack = bot.registry.items[type].stackSize
  let room = 0
  for (let i = start; i < end; i++) {
    const s = slots[i]
    if (!s) room += stack
    else if (s.type === type && !s.nbt) room += Math.max(0, stack - s.count)
  }
  return room
}

// How many of item `name` fit the player's 36 slots once `spent` ({name: n}) is taken out of
// them, as env/capacity.py's room_after: the smallest stacks are spent first, a slot spent whole
// is free again, and the result tops up part-filled stacks of itself, then fills empty slots.
function roomAfter (bot, spent, name) {
  const inv = bot.inventory
  const slots = inv.slots.slice(inv.inventoryStart, inv.inventoryEnd).map(s => (s ? { name: s.name, count: s.count, nbt: s.nbt } : null))
  for (const [item, n] of Object.entries(spent)) {
    let left = n
    const mine = slots.filter(s => s && s.name === item).sort((a, b) => a.count - b.count)
    for (const s of mine) {
      const k = Math.min(left, s.count)
      s.count -= k
      left -= k
    }
  }
  const stack = bot.registry.itemsByName[name].stackSize
  let room = 0
  for (const s of slots) {
    if (!s || s.count === 0) room += stack
    else if (s.name === name && !s.nbt) room += Math.max(0, stack - s.count)
  }
  return room
}

// Refuses inventory_full when `n` of `name` cannot fit once `spent` is used (before anything
// is spent: vanilla does not take a crafting result into an inventory without room for it).
function requireRoomAfter (bot, spent, name, n) {
  const free = roomAfter(bot, spent, name)
  if (free < n) refuse(C.INVENTORY_FULL, { agent: bot.username, count: n, item: name, free })
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

// Walks to `goal` with mineflayer-pathfinder; answers ARRIVED, or TELEPORTED when a position
// packet (a trigger's /tp, a respawn) puts the bot elsewhere on the way. The path was planned
// from where the bot stood and pathfinder would go on following it from the new place (back
// to the plate that teleported it, or stuck for 3.5 s against a wall): as in the game and the
// simulator, the walk ends where the bot was put, and what comes next plans from there.
const ARRIVED = 'arrived'
const TELEPORTED = 'teleported'

function walk (bot, goal, ms, what) {
  let onMoved
  const moved = new Promise((resolve) => {
    onMoved = () => {
      halt(bot) // at once, before pathfinder's next tick steers by the old path
      resolve(TELEPORTED)
    }
    bot.once('forcedMove', onMoved)
  })
  // pathfinder also ends a walk as reached when its search finds no step at all from where
  // the bot stands (an empty path, e.g. on a ledge it was teleported onto): that is no path.
  let stuck = false
  const onPath = (results) => { if (results.path.length === 0 && !reached(bot, goal)) stuck = true }
  bot.on('path_update', onPath)
  const going = bot.pathfinder.goto(goal).then(() => {
    if (stuck) throw new Error('no step towards the goal')
    return ARRIVED
  })
  going.catch(() => {}) // after a teleport, the halted walk's own end is not waited for
  return withTimeout(Promise.race([going, moved]), ms, what)
    .finally(() => {
      bot.off('forcedMove', onMoved)
      bot.off('path_update', onPath)
    })
}

// Whether the bot stands at `goal`, as pathfinder itself decides at a path's end (the cell of
// its feet, or the one above for a floor lower than a block).
function reached (bot, goal) {
  const p = bot.entity.position.floored()
  return goal.isEnd(p) || goal.isEnd(p.offset(0, 1, 0))
}

// Searches the whole path from where the bot stands to `goal` with the walk's own movements,
// without moving: answers pathfinder's search result ({status: 'success' | 'noPath' |
// 'timeout', path}). pathfinder's goto searches in slices of tickTimeout and starts along the
// best partial path after the first slice, so a walk later found to have no path had already
// moved the bot; searching first keeps a refused walk from changing anything. Between slices
// the event loop runs (the connection's keep-alives, the world's updates). The search may take
// pathfinder's thinkTimeout (wall time, as its own walks count it); one still unfinished then
// found no path.
async function searchPath (bot, goal) {
  // Other players and mobs are no walls (a player walks into another's cell, and the
  // simulator's walk passes agents): pathfinder's entity costs are left to the walk itself.
  const moves = bot.pathfinder.movements
  const detect = moves.allowEntityDetection
  moves.allowEntityDetection = false
  try {
    const search = bot.pathfinder.getPathFromTo(moves, bot.entity.position, goal,
      { timeout: bot.pathfinder.thinkTimeout })
    for (;;) {
      const { value, done } = search.next()
      if (done || value.result.status !== 'partial') return done ? { status: 'noPath', path: [] } : value.result
      await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    moves.allowEntityDetection = detect
  }
}

async function goto (bot, goal, distance, pos, bounds) {
  const ms = 10000 + 1500 * distance
  // inside the task's bounds only (none given: anywhere), the search and the walk alike
  bot.pathfinder.movements.exclusionAreasStep = bounds ? [outsideBounds(bounds)] : []
  const from = bot.entity.position.floored()
  const start = bot.entity.position.clone()
  for (let attempt = 0; ; attempt++) {
    try {
      // Every walk is searched whole before its first step: no path (or none found within
      // the search's time) is refused with the bot where it stood, as the simulator refuses it.
      const search = reached(bot, goal) ? null : await searchPath(bot, goal)
      if (search && search.status !== 'success') {
        // (`search`: pathfinder's verdict, 'noPath' or 'timeout')
        refuse(C.NO_PATH, { pos, start: [from.x, from.y, from.z], search: search.status })
      }
      return await walk(bot, goal, ms, 'walking')
    } catch (err) {
      halt(bot)
      if (err instanceof Refused) throw err
      // A search that gives up part-way along a walk it had found (a replan on a busy
      // machine) is tried once more from where the bot stands; a walk that never left its
      // cell is no path.
      if (attempt === 0 && bot.entity.position.distanceTo(start) > 0.5) continue
      refuse(C.NO_PATH, { pos, start: [from.x, from.y, from.z] })
    }
  }
}

async function moveTo (bot, { pos, within = 0, bounds = null }) {
  const target = at(pos)
  const distance = bot.entity.position.distanceTo(target.offset(0.5, 0, 0.5))
  const goal = within > 0
    ? new goals.GoalNear(target.x, target.y, target.z, within)
    : new goals.GoalBlock(target.x, target.y, target.z)
  const end = await goto(bot, goal, distance, pos, bounds)
  if (within === 0 && end === ARRIVED) await centre(bot, target)
  return { pos: vec(bot.entity.position) }
}

// Sneaks to the middle of the cell the walk ended in: a bot at a cell's edge overlaps the
// next cell, where another player may be about to build (the simulator stands agents at the
// middle of their cell).
async function centre (bot, cell) {
  const mid = cell.offset(0.5, 0, 0.5)
  const flat = () => Math.hypot(bot.entity.position.x - mid.x, bot.entity.position.z - mid.z)
  const deadline = Date.now() + 1500
  const moves = bot._ccMoves // a teleport meanwhile ends it, as it ends a walk
  try {
    while (flat() > 0.15 && Date.now() < deadline && bot._ccMoves === moves) {
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

// ---- containers ------------------------------------------------------------------------------

async function openChest (bot, pos) {
  const block = blockAtOrRefuse(bot, pos)
  if (!/chest|barrel|shulker_box/.test(block.name)) refuse(C.NO_CONTAINER, { pos })
  return block
}

async function openWindow (bot, block, pos) {
  try {
    return await withTimeout(bot.openContainer(block), 5000, `opening the chest at ${pos}`)
  } catch (err) {
    refuse(C.ACTION_FAILED, { what: `could not open the chest at ${pos}: ${err.message}` })
  }
}

function windowCount (window, name) {
  // While a window is open the player's items are its inventory section, not bot.inventory.
  return window.items().filter(i => i.name === name).reduce((n, i) => n + i.count, 0)
}

// Moves `n` of `type` between the chest and the player and answers how many moved; a partial
// move is moved back, so that a failed transfer changes nothing. Items go as vanilla's clicks
// move them: onto part-filled stacks of the same item first, then into empty slots
// (minecraft.wiki/w/Inventory). Not chest.withdraw: it wants an empty slot in the player's
// inventory even when part-filled stacks have room.
function moveItems (bot, chest, direction, type, n) {
  const [src, dst] = direction === 'take'
    ? [[0, chest.inventoryStart], [chest.inventoryStart, chest.inventoryEnd]]
    : [[chest.inventoryStart, chest.inventoryEnd], [0, chest.inventoryStart]]
  return bot.transfer({ window: chest, itemType: type, metadata: null, count: n, sourceStart: src[0], sourceEnd: src[1], destStart: dst[0], destEnd: dst[1] })
}

async function transfer (bot, chest, direction, type, name, n) {
  const before = windowCount(chest, name)
  let error = null
  try {
    await withTimeout(moveItems(bot, chest, direction, type, n), 5000, direction === 'take' ? 'taking' : 'putting')
  } catch (err) {
    error = err
  }
  const moved = direction === 'take' ? windowCount(chest, name) - before : before - windowCount(chest, name)
  if (moved === n && !error) return
  if (moved > 0) {
    try {
      await withTimeout(moveItems(bot, chest, direction === 'take' ? 'put' : 'take', type, moved), 5000, 'moving back')
    } catch (err) {}
  }
  if (error instanceof Refused) throw error
  refuse(C.ACTION_FAILED, { what: `${direction === 'take' ? 'took' : 'put'} ${moved} ${name}, not ${n}` + (error ? `: ${error.message}` : '') })
}

// Our bots take turns at a chest: one Node process runs every bot of an episode, and each
// take or put holds the chest from opening it until the server has applied its last click.
// Vanilla lets several players use a chest at once, each click acting on the chest as it is;
// but a client clicks on what it last saw, so two bots moving items in one chest at the same
// moment clicked on each other's stale slots (one's apples went into the chest during the
// other's take), and a bot that opened the chest just after another's put could read it
// before that put's last click had come in ("holds 0 apple"). One at a time, each take and put
// ends as vanilla ends it for one player: the simulator's outcome, whichever comes first.
// (`key`: what the bots take turns at, e.g. 'chest 1,-60,2'.)
const turns = new Map()
async function inTurn (key, fn) {
  const before = turns.get(key) || Promise.resolve()
  let release
  const mine = new Promise(resolve => { release = resolve })
  const chain = before.then(() => mine)
  turns.set(key, chain)
  try {
    await before
    return await fn()
  } finally {
    release()
    if (turns.get(key) === chain) turns.delete(key)
  }
}

// Waits until the server has applied every click the bot sent in `window` (a click it answers
// with the whole window comes after them on the same connection), so that a bot opening the
// chest next reads it as these clicks left it.
async function applied (bot, window) {
  if (typeof bot._syncWindow !== 'function') return
  await withTimeout(bot._syncWindow(window), 5000, 'the server to apply the clicks')
}

// A block as env/js/chests.js and env/js/placing.js read it, from the bot's world.
function viewOf (bot, p) {
  const b = bot.blockAt(at(p))
  return b ? { name: b.name, props: b.getProperties(), shapes: b.shapes, solid: b.boundingBox === 'block' } : { name: 'air', props: {}, shapes: [], solid: false }
}

// What bots take turns at: the container, whose first cell names a double chest from either half.
function chestKey (bot, pos) {
  return `chest ${chests.halves(pos, p => viewOf(bot, p))[0]}`
}

async function take (bot, args) {
  return inTurn(chestKey(bot, args.pos), () => takeInTurn(bot, args))
}

async function put (bot, args) {
  return inTurn(chestKey(bot, args.pos), () => putInTurn(bot, args))
}

async function takeInTurn (bot, { pos, item, count: n = 1 }) {
  const type = itemId(bot, item)
  const block = await openChest(bot, pos)
  // The chest's contents can only be read through its window; opening it changes nothing.
  requireReach(bot, pos)
  const chest = await openWindow(bot, block, pos)
  try {
    const held = containerCounts(chest)[item] || 0
    if (held < n) refuse(C.CONTAINER_SHORT, { pos, held, item, count: n })
    const free = roomFor(bot, chest.slots, chest.inventoryStart, chest.inventoryEnd, type)
    if (free < n) refuse(C.INVENTORY_FULL, { agent: bot.username, count: n, item, free })
    await transfer(bot, chest, 'take', type, item, n)
    return { container: containerCounts(chest) }
  } catch (err) {
    if (err instanceof Refused) err.extra = { container: containerCounts(chest) }
    throw err
  } finally {
    try {
      await applied(bot, chest)
    } catch (err) {} // the window closes all the same
    chest.close()
  }
}

async function putInTurn (bot, { pos, item, count: n = 1 }) {
  const type = itemId(bot, item)
  const block = await openChest(bot, pos)
  requireItems(bot, { [item]: n })
  requireReach(bot, pos)
  const chest = await openWindow(bot, block, pos)
  try {
    const free = roomFor(bot, chest.slots, 0, chest.inventoryStart, type)
    if (free < n) refuse(C.CONTAINER_FULL, { kind: block.name, pos, count: n, item, free })
    await transfer(bot, chest, 'put', type, item, n)
    return { container: containerCounts(chest) }
  } catch (err) {
    if (err instanceof Refused) err.extra = { container: containerCounts(chest) }
    throw err
  } finally {
    try {
      await applied(bot, chest)
    } catch (err) {} // the window closes all the same
    chest.close()
  }
}

// ---- crafting and smelting -------------------------------------------------------------------

// The crafting recipes with their item tags (env/data/recipes.json, which the server's crafting
// plugin and the rulebook read too), for one result: [{cells: [choices | null] in grid order,
// width, height, shaped, count}], a cell's choices being the item names that fit it.
const recipeCache = new Map()
function choicesOf (cell) {
  if (cell === null || cell === undefined) return null
  return [...new Set(Array.isArray(cell) ? cell : expand(cell))]
}
function recipesFor (name) {
  if (!recipeCache.has(name)) {
    const out = []
    for (const r of loadRecipes()) {
      if (r.result !== name) continue
      if (r.shape) {
        const width = Math.max(...r.shape.map(row => row.length))
        const cells = []
        for (const row of r.shape) for (let x = 0; x < width; x++) cells.push(choicesOf(row[x]))
        out.push({ cells, width, height: r.shape.length, shaped: true, count: r.count ?? 1 })
      } else {
        out.push({ cells: r.ingredients.map(choicesOf), width: 0, height: 0, shaped: false, count: r.count ?? 1 })
      }
    }
    recipeCache.set(name, out)
  }
  return recipeCache.get(name)
}

function needsTable (recipe) {
  if (recipe.shaped) return recipe.width > 2 || recipe.height > 2
  return recipe.cells.length > 4
}

// The concrete variants of a recipe, as env/rulebook.py's recipe_variants: cells with the same
// choices take one item together; [{inputs: {name: n}, alternatives: {name: choices}}].
function variantsOf (recipe) {
  const cells = recipe.cells.filter(Boolean)
  const groups = []
  for (const c of cells) if (c.length > 1 && !groups.some(g => JSON.stringify(g) === JSON.stringify(c))) groups.push(c)
  let combos = [[]]
  for (const g of groups) combos = combos.flatMap(combo => g.map(item => [...combo, item]))
  return combos.map(combo => {
    const inputs = {}
    const alternatives = {}
    for (const c of cells) {
      const gi = groups.findIndex(g => JSON.stringify(g) === JSON.stringify(c))
      const item = gi >= 0 ? combo[gi] : c[0]
      inputs[item] = (inputs[item] || 0) + 1
      if (c.length > 1) alternatives[item] = c
    }
    return { inputs, alternatives }
  })
}

// As env/actions.py's fill_inputs: (used, short) when `inv` pays for a variant `times` over,
// each input taking its own item first, then its alternatives in order (inputs with fewer
// alternatives first).
function fillInputs (variant, inv, times) {
  const left = { ...inv }
  const used = {}
  const short = {}
  const order = Object.entries(variant.inputs).sort((a, b) => (variant.alternatives[a[0]] || []).length - (variant.alternatives[b[0]] || []).length)
  for (const [item, n] of order) {
    let need = n * times
    const alts = variant.alternatives[item] || []
    for (const choice of [item, ...alts.filter(a => a !== item)]) {
      const k = Math.min(need, left[choice] || 0)
      if (k > 0) { used[choice] = (used[choice] || 0) + k; left[choice] -= k; need -= k }
      if (need === 0) break
    }
    if (need) short[item] = (short[item] || 0) + need
  }
  return { used, short }
}

// The items `times` crafts use, as Craft.consumption chooses them: a variant the inventory pays
// with its own items first, then any mix the tags allow. Answers {recipe, used} or null.
function consumption (item, inv, times) {
  const all = recipesFor(item).map(recipe => variantsOf(recipe).map(variant => ({ recipe, variant }))).flat()
  for (const { recipe, variant } of all) {
    if (Object.entries(variant.inputs).every(([i, n]) => (inv[i] || 0) >= n * times)) {
      const used = {}
      for (const [i, n] of Object.entries(variant.inputs)) used[i] = n * times
      return { recipe, used }
    }
  }
  for (const { recipe, variant } of all) {
    const { used, short } = fillInputs(variant, inv, times)
    if (Object.keys(short).length === 0) return { recipe, used }
  }
  return null
}

// Which item goes in each cell for each of `times` crafts, spending exactly `used`.
function cellsFor (recipe, used, times) {
  const left = { ...used }
  const order = recipe.cells.map((c, i) => i).filter(i => recipe.cells[i]).sort((a, b) => recipe.cells[a].length - recipe.cells[b].length)
  const crafts = []
  for (let t = 0; t < times; t++) {
    const pick = new Array(recipe.cells.length).fill(null)
    for (const i of order) {
      const name = recipe.cells[i].find(n => (left[n] || 0) > 0)
      if (!name) return null
      left[name] -= 1
      pick[i] = name
    }
    crafts.push(pick)
  }
  return crafts
}

// What `times` crafts lack, for the refusal (the first variant, filled as far as it goes).
function shortfallOf (item, inv, times) {
  let best = null
  for (const recipe of recipesFor(item)) {
    for (const variant of variantsOf(recipe)) {
      const { short } = fillInputs(variant, inv, times)
      const size = Object.values(short).reduce((a, b) => a + b, 0)
      if (!best || size < best.size) best = { short, size }
    }
  }
  return best ? best.short : {}
}

// A mineflayer recipe for one craft with these items in the cells (remainders as outShape).
function concreteRecipe (bot, recipe, pick, resultName) {
  const { Recipe } = require('prismarine-recipe')(bot.registry)
  const id = name => (name ? bot.registry.itemsByName[name].id : null)
  const result = { id: bot.registry.itemsByName[resultName].id, count: recipe.count }
  if (!recipe.shaped) return new Recipe({ ingredients: pick.filter(Boolean).map(id), result })
  const inShape = []
  const outShape = []
  for (let y = 0; y < recipe.height; y++) {
    inShape.push(pick.slice(y * recipe.width, (y + 1) * recipe.width).map(id))
    outShape.push(pick.slice(y * recipe.width, (y + 1) * recipe.width).map(n => (n && REMAINDERS[n] ? id(REMAINDERS[n]) : null)))
  }
  const hasRemainder = outShape.some(row => row.some(Boolean))
  return new Recipe({ inShape, outShape: hasRemainder ? outShape : undefined, result })
}

async function craft (bot, { item, times = 1, table = null }) {
  itemId(bot, item)
  if (recipesFor(item).length === 0) refuse(C.NO_RECIPE, { item })
  const inv = inventoryOf(bot)
  const chosen = consumption(item, inv, times)
  if (!chosen) {
    const need = shortfallOf(item, inv, times)
    refuse(C.MISSING_ITEMS, { what: Object.keys(need).sort().map(n => `${need[n]} ${n}`).join(', '), missing: need })
  }
  let tableBlock = null
  if (needsTable(chosen.recipe)) {
    if (!table) refuse(C.NEEDS_TABLE, { item })
    tableBlock = blockAtOrRefuse(bot, table)
    if (tableBlock.name !== 'crafting_table') refuse(C.NO_TABLE, { pos: table })
    requireReach(bot, table)
  }
  requireRoomAfter(bot, chosen.used, item, chosen.recipe.count * times)
  const crafts = cellsFor(chosen.recipe, chosen.used, times)
  if (!crafts) refuse(C.ACTION_FAILED, { what: `no way to lay out ${JSON.stringify(chosen.used)} for ${item}` })
  const before = inventoryOf(bot)
  // Crafts with the same items in every cell go in one call; a mix goes one craft at a time.
  const same = crafts.every(p => JSON.stringify(p) === JSON.stringify(crafts[0]))
  const batches = same ? [[crafts[0], times]] : crafts.map(p => [p, 1])
  for (const [pick, n] of batches) {
    await withTimeout(bot.craft(concreteRecipe(bot, chosen.recipe, pick, item), n, tableBlock), 10000 + 1000 * n, `crafting ${item}`)
  }
  const gained = diff(before, inventoryOf(bot))
  if ((gained[item] || 0) < chosen.recipe.count * times) {
    refuse(C.ACTION_FAILED, { what: `crafting ${item} gave ${gained[item] || 0}, not ${chosen.recipe.count * times}` })
  }
  return { gained }
}

// A furnace window's data slots as the server sends them (vanilla's ContainerData, in ticks:
// 0 fire left, 1 fire total, 2 cook progress, 3 cook total), heard from the moment the window
// is asked for: the server sends them right after the window opens, before mineflayer's
// openFurnace listens. The server's furnace is the one source of truth; this is what it says.
// Answers { get(windowId) -> [fire, fireTotal, cook, cookTotal] (undefined where unheard),
// stop() }.
function furnaceData (bot) {
  const heard = new Map()
  const listener = packet => {
    if (!heard.has(packet.windowId)) heard.set(packet.windowId, [])
    heard.get(packet.windowId)[packet.property] = packet.value
  }
  bot._client.on('craft_progress_bar', listener)
  return {
    get: windowId => heard.get(windowId) || [],
    stop: () => bot._client.removeListener('craft_progress_bar', listener)
  }
}

// Seconds until a furnace another player is using is free again: the items left in its input
// at the cook time each (the one cooking less what is done), then the owner's next look at the
// output (smelt polls it every 0.2 s). The Python backend turns it into the episode time
// `free_at` that the simulator's refusal carries, so a player waits as long on both.
async function busyFor (furnace, data, cookTicks) {
  await waitFor(() => data.get(furnace.id)[2] !== undefined, 300)
  const input = furnace.inputItem()
  const cook = cookTicks / 20
  const done = data.get(furnace.id)[2] || 0
  const current = done ? (cookTicks - done) / 20 : cook
  const left = input ? (input.count - 1) * cook + current : 0
  return Math.round((left + SMELT_POLL_S) * 1000) / 1000
}

// One queue per furnace position: furnaceLock(key) resolves, in call order, to the function
// that lets the next caller in.
const furnaceQueues = new Map()
function furnaceLock (key) {
  const prev = furnaceQueues.get(key) || Promise.resolve()
  let release
  const mine = new Promise(resolve => { release = resolve })
  const tail = prev.then(() => mine)
  furnaceQueues.set(key, tail)
  tail.then(() => { if (furnaceQueues.get(key) === tail) furnaceQueues.delete(key) })
  return prev.then(() => release)
}

// Puts the fuel, then the input. A player of another process can fill a slot between the look
// and the put, with an item of another kind (then there is no room for ours): the fuel this
// bot put comes back (what was on its cursor goes back to its inventory as the window closes),
// and the furnace counts as busy.
async function loadFurnace (bot, furnace, data, { pos, station, cookTicks, fuelType, fuelCount, inputType, n }) {
  let fuelIn = false
  try {
    if (fuelCount) {
      await furnace.putFuel(fuelType, null, fuelCount)
      fuelIn = true
    }
    await furnace.putInput(inputType, null, n)
  } catch (err) {
    const fuelSlot = furnace.fuelItem()
    const input = furnace.inputItem()
    const taken = (fuelSlot && fuelSlot.type !== fuelType) || (input && input.type !== inputType)
    if (!taken) throw err
    if (fuelIn && fuelSlot && fuelSlot.type === fuelType) {
      await furnace.takeFuel().catch(() => {})
    }
    refuse(C.STATION_BUSY, { station, pos, free_in: await busyFor(furnace, data, cookTicks) })
  }
}

async function smelt (bot, { furnace: pos, item, count: n = 1, fuel = 'coal' }) {
  const inputType = itemId(bot, item)
  const fuelType = itemId(bot, fuel)
  const table = smelting()
  const { recipes, fuels } = table
  if (!(item in recipes)) refuse(C.NOT_SMELTABLE, { item })
  if (!(fuels[fuel] > 0)) refuse(C.NOT_FUEL, { fuel })
  const block = blockAtOrRefuse(bot, pos)
  // A furnace, a smoker (food) or a blast furnace (ores, metal gear), as env/actions.py Smelt.
  const station = block.name
  const own = table.stations[station]
  if (!own) refuse(C.NO_FURNACE, { pos })
  if (!(item in own.recipes)) refuse(C.WRONG_STATION, { item, station, recipe_type: own.recipeType })
  const { cookTicks } = own
  const burnTicks = stationFuelTicks(table, station, fuel)
  const stack = bot.registry.items[inputType].stackSize
  if (n > stack) refuse(C.OVER_ONE_STACK, { station, max: stack, item, count: n })
  requireReach(bot, pos)
  const before = inventoryOf(bot)
  // Bots of this bridge load one furnace one at a time: between "it is empty" and "my items are
  // in" another bot's items must not come in.
  const release = await furnaceLock(String(pos))
  let furnace
  const data = furnaceData(bot)
  try {
    furnace = await withTimeout(bot.openFurnace(block), 5000, `opening the ${station} at ${pos}`)
  } catch (err) {
    data.stop()
    release()
    throw err
  }
  try {
    try {
      if (furnace.inputItem() || furnace.fuelItem() || furnace.outputItem()) {
        refuse(C.STATION_BUSY, { station, pos, free_in: await busyFor(furnace, data, cookTicks) })
      }
      // A lit furnace keeps its fire: only what the fire left does not cover needs new fuel.
      await waitFor(() => data.get(furnace.id)[0] !== undefined, 1000)
      const fireTicks = Math.max(0, data.get(furnace.id)[0] || 0)
      const fuelFor = fire => Math.max(0, Math.ceil((cookTicks * n - fire) / burnTicks - 1e-9))
      const fuelCount = fuelFor(fireTicks)
      const need = { [item]: n }
      if (fuelCount) need[fuel] = (need[fuel] || 0) + fuelCount
      requireItems(bot, need)
      // the output must fit once the input and the fuel are spent, as env/actions.py Smelt
      requireRoomAfter(bot, need, recipes[item], n)
      // The fire burns on while the fuel and the input go in (a few ticks): where that leaves
      // it short, one more fuel goes in if held. What does not burn comes back at the end.
      const held = bot.inventory.count(fuelType) - (fuel === item ? n : 0)
      const loaded = Math.min(Math.max(fuelCount, fuelFor(fireTicks - LOADING_TICKS)), held)
      await loadFurnace(bot, furnace, data, { pos, station, cookTicks, fuelType, fuelCount: loaded, inputType, n })
    } finally {
      release()
    }
    let out = 0
    const deadline = Date.now() + (cookTicks * 50 + 2000) * n + 10000
    while (out < n && Date.now() < deadline) {
      await sleep(SMELT_POLL_S * 1000)
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
      refuse(C.ACTION_FAILED, { what: `the ${station} at ${pos} smelted ${out} of ${n} ${item} in time` })
    }
    if (furnace.fuelItem()) await furnace.takeFuel()
    return { gained: diff(before, inventoryOf(bot)) }
  } finally {
    data.stop()
    furnace.close()
  }
}

// ---- blocks ----------------------------------------------------------------------------------

// Whether shears change what block `name` drops (env/loot.py's shears_drop).
function shearsDrop (name) {
  return (LOOT[name] || []).some(d => String(d.when || '').includes('shears'))
}

// Bots take turns at a block too: in vanilla two players may dig one block at once, the first
// to finish breaks it and the other's digging ends on air with nothing; here the second digs
// once the first is done, and finds nothing to dig, as the simulator, which runs one dig
// before the other, says.
async function dig (bot, args) {
  return inTurn(`block ${args.pos}`, () => digInTurn(bot, args))
}

async function digInTurn (bot, { pos }) {
  const block = blockAtOrRefuse(bot, pos)
  if (nothingToDig(block.name)) refuse(C.NOTHING_TO_DIG, { pos, block: block.name })
  if (block.hardness === null || block.hardness === undefined || block.hardness < 0) refuse(C.UNBREAKABLE, { block: block.name, pos })
  // A crop breaks at any age (vanilla), its loot by its age (the server's crops plugin); not
  // digging it unripe is the Judger's policy (agents/policy.py), not the game's.
  // Without its harvest tool a block still breaks, slower and dropping nothing (as in vanilla:
  // the server's drops.js gives nothing, mineflayer's digTime counts the slower break).
  requireReach(bot, pos)
  // Shears in the hand when they change the loot (grass, leaves, vines), as the simulator
  // counts shears anywhere in the inventory (env/loot.py); else the fastest tool.
  const shears = shearsDrop(block.name) && bot.inventory.items().find(i => i.name === 'shears')
  const tool = shears || bot.pathfinder.bestHarvestTool(block)
  if (tool) await bot.equip(tool, 'hand')
  const before = inventoryOf(bot)
  const home = bot.entity.position.floored()
  // On the ground first: a player in the air digs 5 times slower (vanilla, and mineflayer's
  // digTime), and a bot just teleported or come down a step may not have landed yet.
  await waitFor(() => bot.entity.onGround, 2000)
  // vanilla's break time (mineflayer's digTime: obsidian by hand is 250 s), with room to spare
  await withTimeout(bot.dig(block, true), 2 * bot.digTime(block) + 10000, `digging ${block.name}`)
  // The drops go straight into the inventory (the server's drops.js); the bot walks to no item
  // on the ground, as the simulator's agent does not: what a fall the dig caused drops (a torch
  // that was on the sand: env/server/plugins/gravity.js) lies where it fell.
  await sleep(300)
  const gained = diff(before, inventoryOf(bot))
  await comeBack(bot, home)
  return { gained, block: blockInfo(bot.blockAt(at(pos))) }
}

// After collecting drops, back to the cell the action started in (the simulator's agent never
// leaves it), so that what the agent reaches next is the same on both backends.
async function comeBack (bot, cell) {
  if (bot.entity.position.floored().equals(cell)) return centre(bot, cell)
  try {
    if (await walk(bot, new goals.GoalBlock(cell.x, cell.y, cell.z), 6000, 'walking back') === TELEPORTED) return
  } catch (err) {
    halt(bot)
  }
  await centre(bot, cell)
}

// A block as env/js/support.js reads it (an unloaded cell counts as air).
function shapeOf (bot, pos) {
  const b = bot.blockAt(at(pos))
  return b ? { name: b.name, props: b.getProperties(), shapes: b.shapes } : { name: 'air', props: {}, shapes: [] }
}

const FACES = [[0, -1, 0], [0, 1, 0], [1, 0, 0], [-1, 0, 0], [0, 0, 1], [0, 0, -1]]
const YAW = { north: 0, west: Math.PI / 2, south: Math.PI, east: -Math.PI / 2 }
const OPPOSITE = { north: 'south', south: 'north', east: 'west', west: 'east', up: 'down', down: 'up' }

// `item` names the block to place; the bot holds the item that places it (a torch for a
// wall_torch, wheat_seeds for wheat: BLOCK_ITEMS).
async function place (bot, { item, pos, facing = null, grow = false }) {
  if (!bot.registry.blocksByName[item]) refuse(C.NOT_A_BLOCK, { item })
  const how = BLOCK_ITEMS[item]
  if (!how || !how.item) refuse(C.NOT_PLACEABLE, { item })
  const needs = { [how.item]: 1 }
  for (const [name, n] of Object.entries(how.extra || {})) needs[name] = (needs[name] || 0) + n
  requireItems(bot, needs)
  const type = itemId(bot, how.item)
  const held = bot.inventory.items().find(i => i.type === type)
  const target = blockAtOrRefuse(bot, pos)
  // not by its own item, which may grow it instead: a snow cover takes a layer (replaceable.json)
  // and only with `grow` (a builder who sees its own kind there and does not mean to grow it
  // places nothing)
  const grows = grown(target.name, target.getProperties(), how.item)
  if (!replaceable(target.name, target.getProperties(), how.item) || (grows && !grow)) refuse(C.CELL_TAKEN, { pos, block: target.name })
  // a door or tall plant takes the cell above too, which must be free to replace
  if (support.twoTall(item)) {
    const above = blockAtOrRefuse(bot, [pos[0], pos[1] + 1, pos[2]])
    if (!replaceable(above.name, above.getProperties(), how.item)) refuse(C.NO_ROOM_ABOVE, { item, pos: [pos[0], pos[1] + 1, pos[2]] })
  }
  const cell = at(pos)
  const feet = bot.entity.position
  // a bed's head takes the next cell the way it faces (BedBlock), which must be free
  const look = looking([feet.x, feet.y, feet.z], pos)
  const head = placing.headCell(item, pos, facing, look)
  if (head) {
    const there = blockAtOrRefuse(bot, head)
    if (!replaceable(there.name, there.getProperties(), how.item)) refuse(C.NO_ROOM_FOR_HEAD, { item, pos: head })
  }
  // A block that cannot float (env/data/support.json) is clicked onto its support: a crop onto
  // the farmland below, a wall torch or ladder onto the block behind it, a lever onto the
  // block its face says. A wall block without a facing takes its default (north).
  const rule = support.ruleFor(item)
  if (rule && rule.side === 'behind' && !facing) facing = 'north'
  const placedProps = support.placedState(item, facing)
  // Vanilla places against any block that is not replaceable (env/data/replaceable.json):
  // a click on a torch or a flower puts the block beside it.
  const clickable = n => n && !replaceable(n.name, n.getProperties(), how.item)
  const anyNeighbour = FACES.some(([dx, dy, dz]) => clickable(bot.blockAt(at(pos).offset(dx, dy, dz))))
  if (!anyNeighbour) refuse(C.NO_SUPPORT, { pos })
  const unheld = support.refusal(item, placedProps, pos, p => shapeOf(bot, p))
  if (unheld) throw unheld
  // The neighbour clicked (env/js/placing.js, as the simulator's env/placing.py): the support
  // of a block that cannot float, else a full block when there is one, else any block that is
  // not replaceable; its face toward the cell (which sets a slab's or stairs' half).
  const side = placing.clickSide(item, pos, facing, p => {
    const b = bot.blockAt(at(p))
    return b ? { name: b.name, props: b.getProperties(), shapes: b.shapes, solid: b.boundingBox === 'block' } : { name: 'air', props: {}, shapes: [], solid: false }
  }, how.item)
  if (!side) refuse(C.NO_SUPPORT, { pos })
  const [sx, sy, sz] = support.STEP[side]
  const ref = bot.blockAt(at(pos).offset(sx, sy, sz))
  const face = new Vec3(-sx, -sy, -sz)
  // Where every player stands: a bot of this process knows its own position (another bot's
  // view of it can lag behind a teleport); other players as this bot sees them.
  for (const name of new Set([...Object.keys(bot.players), ...bots.keys()])) {
    const own = bots.get(name)
    const e = name === bot.username ? bot.entity : (own && own.entity) || bot.players[name]?.entity
    if (!e) continue
    const f = e.position.floored()
    if (f.x === cell.x && f.z === cell.z && (f.y === cell.y || f.y === cell.y - 1)) refuse(C.CELL_OCCUPIED, { who: name, pos })
  }
  requireReach(bot, pos)
  await bot.equip(held, 'hand')
  if (facing && YAW[facing] !== undefined) {
    // Blocks that face the player (furnaces, chests) face opposite to where the player looks.
    await bot.look(YAW[OPPOSITE[facing]], 0, true)
  } else if (!facing) {
    // The look the placed state is ruled by (env/placing.py): eyes to the middle of the cell.
    await bot.lookAt(cell.offset(0.5, 0.5, 0.5), true)
  }
  // Sneaking only against a block a click uses (a chest, crafting table, furnace, door, lever
  // would open or toggle instead of taking the block), as a player does; else a plain click,
  // as mineflayer's placeBlock (env/data/chests.json `sneak`). It decides whether a chest joins
  // the chest beside it.
  const sneaking = chests.sneaks(ref.name)
  // A chest's state, and its neighbours', as ChestBlock rules them with the facing it ends
  // with (asked, else toward the player), from the world before the click.
  const seenBefore = new Map()
  for (const [dx, dz] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
    const cell = [pos[0] + dx, pos[1], pos[2] + dz]
    seenBefore.set(cell.join(','), viewOf(bot, cell))
  }
  const before = p => seenBefore.get(p.join(',')) || viewOf(bot, p)
  const chestWant = chests.isChest(item)
    ? chests.placedChest(item, pos, facing && YAW[facing] !== undefined ? facing : OPPOSITE[look], OPPOSITE[side], sneaking, before)
    : null
  if (sneaking) bot.setControlState('sneak', true)
  // With extra items (a flower pot, then the plant put in it) the held item makes a first block.
  const first = how.extra ? how.item : item
  // The block is there (a grown one with its new state).
  // A block that falls (env/data/gravity.json) and has a free cell below ends where it lands,
  // or breaks there (the held item is spent either way): the server settles it at once.
  const fall = gravity.falls(first)
    ? gravity.settle([pos], p => (p.join(',') === pos.join(',') ? { name: first, props: {}, shapes: [[0, 0, 0, 1, 1, 1]] } : shapeOf(bot, p))).find(m => m.src.join(',') === pos.join(','))
    : null
  const spent = bot.inventory.count(type)
  const there = fall
    ? () => (fall.dst ? bot.blockAt(at(fall.dst))?.name === fall.block.name : bot.inventory.count(type) < spent)
    : () => { const b = bot.blockAt(at(pos)); return b && b.name === first && (!grows || sameProps(b, grows)) }
  try {
    await withTimeout(bot._genericPlace(ref, face, { forceLook: 'ignore' }), 5000, `placing ${item}`)
    // Still sneaking until the block is there: the server reads the click after a hop.
    await waitFor(there, 3000)
  } catch (err) {
    if (!there()) refuse(C.ACTION_FAILED, { what: `could not place ${item} at ${pos}: ${err.message}` })
  } finally {
    bot.setControlState('sneak', false)
  }
  for (const extra of Object.keys(how.extra || {})) {
    await bot.equip(bot.inventory.items().find(i => i.name === extra), 'hand')
    await withTimeout(bot.activateBlock(bot.blockAt(at(pos))), 5000, `putting ${extra} into ${first}`)
  }
  if (how.extra) await waitFor(() => { const b = bot.blockAt(at(pos)); return b && b.name === item }, 3000)
  if (fall) {
    if (!there()) refuse(C.ACTION_FAILED, { what: `could not place ${item} at ${pos}` })
    return { block: fall.dst ? blockInfo(bot.blockAt(at(fall.dst))) : null, fell: fall.dst }
  }
  let block = bot.blockAt(at(pos))
  if (!block || block.name !== item) refuse(C.ACTION_FAILED, { what: `could not place ${item} at ${pos}` })
  const want = facing === 'x' || facing === 'y' || facing === 'z' ? ['axis', facing] : facing ? ['facing', facing] : null
  const props = block.getProperties()
  if (want && want[0] in props && props[want[0]] !== want[1]) {
    const text = more => Object.entries({ ...props, [want[0]]: want[1], ...more }).map(([k, v]) => `${k}=${v}`).join(',')
    // the other half of a door (upper) or bed (head, moved to the cell the asked facing names)
    const oldHead = placing.headCell(item, pos, props.facing, look)
    if (head && oldHead) await command(bot.username, `/setblock ${oldHead.join(' ')} air`, 0)
    await command(bot.username, `/setblock ${pos.join(' ')} ${item}[${text({})}]`, 0)
    if (support.twoTall(item)) await command(bot.username, `/setblock ${pos[0]} ${pos[1] + 1} ${pos[2]} ${item}[${text({ half: 'upper' })}]`, 0)
    if (head && oldHead) await command(bot.username, `/setblock ${head.join(' ')} ${item}[${text({ part: 'head' })}]`, 0)
    await waitFor(() => bot.blockAt(at(pos)).getProperties()[want[0]] === want[1], 2000)
    // stairs: their corner shape and their neighbours' again, with the asked facing
    const view = p => { const b = bot.blockAt(at(p)); return b ? { name: b.name, props: b.getProperties() } : { name: 'air', props: {} } }
    for (const [cell, name, cellProps] of placing.reshaped(pos, view)) {
      const state = Object.entries(cellProps).map(([k, v]) => `${k}=${v}`).join(',')
      await command(bot.username, `/setblock ${cell.join(' ')} ${name}[${state}]`, 0)
      await waitFor(() => String(bot.blockAt(at(cell)).getProperties().shape) === cellProps.shape, 2000)
    }
    block = bot.blockAt(at(pos))
  }
  if (chestWant) block = await settleChests(bot, item, pos, chestWant, before)
  return { block: blockInfo(block) }
}

// After a chest is placed: it and the chests beside it as the rule has them (`want`, its facing
// and type; the neighbours by updateShape from `before`, the world before the click). The
// server's placement gives the same unless a facing was asked that the look does not give
// (then the block was set again by command, and the halves are set here); waits until the bot
// sees them.
async function settleChests (bot, item, pos, want, before) {
  const mine = { name: item, props: { ...viewOf(bot, pos).props, ...want } }
  const after = p => (p[0] === pos[0] && p[1] === pos[1] && p[2] === pos[2] ? mine : before(p))
  const targets = [[pos, item, mine.props], ...chests.shapeUpdates(pos, after)]
  for (const side of ['north', 'south', 'east', 'west']) {
    const [dx, , dz] = support.STEP[side]
    const cell = [pos[0] + dx, pos[1], pos[2] + dz]
    if (!targets.some(([c]) => c[0] === cell[0] && c[2] === cell[2]) && chests.isChest(before(cell).name)) targets.push([cell, before(cell).name, before(cell).props])
  }
  const seen = ([cell, name, props]) => {
    const b = viewOf(bot, cell)
    return b.name === name && Object.entries(props).every(([k, v]) => String(b.props[k]) === String(v))
  }
  for (const target of targets) {
    if (seen(target)) continue
    const [cell, name, props] = target
    const state = Object.entries(props).map(([k, v]) => `${k}=${v}`).join(',')
    if (!await waitFor(() => seen(target), 1000)) await command(bot.username, `/setblock ${cell.join(' ')} ${name}[${state}]`, 0)
  }
  for (const target of targets) await waitFor(() => seen(target), 2000)
  return bot.blockAt(at(pos))
}

// Whether `block` has every property of `props` (compared as text: 3 and '3' are one value).
function sameProps (block, props) {
  const now = block.getProperties()
  return Object.entries(props).every(([k, v]) => String(now[k]) === String(v))
}

async function waitFor (test, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (test()) return true
    await sleep(50)
  }
  return test()
}

// Blocks a hand uses (as env/actions.py's TOGGLED_BY_HAND, BUTTONS and POWERED_ONLY; the iron
// ones that only power moves are env/data/redstone.json's).
const POWERED_ONLY = new Set(require('../data/redstone.json').power_only)
function usedByHand (name) {
  return name.endsWith('_button') || name === 'lever' || ['_fence_gate', '_door', '_trapdoor'].some(t => name.endsWith(t))
}

async function activate (bot, { pos }) {
  const block = blockAtOrRefuse(bot, pos)
  if (POWERED_ONLY.has(block.name)) refuse(C.POWERED_ONLY, { block: block.name, pos })
  if (!usedByHand(block.name)) refuse(C.NOT_ACTIVATABLE, { block: block.name, pos })
  requireReach(bot, pos)
  const before = JSON.stringify(block.getProperties())
  await withTimeout(bot.activateBlock(block), 5000, `using ${block.name}`)
  await waitFor(() => JSON.stringify(bot.blockAt(at(pos)).getProperties()) !== before, 2000)
  return { block: blockInfo(bot.blockAt(at(pos))) }
}

async function stepOn (bot, { pos, hold_s: hold = 2, bounds = null }) {
  const block = blockAtOrRefuse(bot, pos)
  if (!block.name.endsWith('_pressure_plate')) refuse(C.NO_PLATE, { pos, block: block.name })
  const target = at(pos)
  await goto(bot, new goals.GoalBlock(target.x, target.y, target.z), bot.entity.position.distanceTo(target), pos,
    bounds)
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
  const target = nearest(bot, type, REACH.entity + REACH.entity_slack)
  if (!target) refuse(C.NO_ENTITY, { entity: type })
  const before = inventoryOf(bot)
  // The weapon of the highest vanilla damage carried (env/data/attack.json), hitting at its
  // full recharge and never into the mob's hurt invulnerability, as the simulator counts.
  const weapon = attack.weapon(bot.inventory.items())
  // (without one, whatever is held hits as the hand does)
  if (weapon) await bot.equip(bot.inventory.items().find(i => i.name === weapon), 'hand')
  const intervalMs = attack.hitInterval(weapon) * 1000
  const deadline = Date.now() + 20000
  // Hitting stops at the death (entity_status 3); the body goes a second later.
  let dead = false
  const onDead = (e) => { if (e.id === target.id) dead = true }
  bot.on('entityDead', onDead)
  try {
    while (bot.entities[target.id] && !dead && Date.now() < deadline) {
      await bot.lookAt(target.position.offset(0, (target.height || 1) / 2, 0), true)
      bot.attack(target)
      const next = Date.now() + intervalMs
      while (!dead && bot.entities[target.id] && Date.now() < next) await sleep(Math.min(20, next - Date.now()))
    }
    await waitFor(() => !bot.entities[target.id], Math.max(0, deadline - Date.now()))
  } finally {
    bot.off('entityDead', onDead)
  }
  if (bot.entities[target.id]) refuse(C.ACTION_FAILED, { what: `the ${type} did not die in time` })
  // The loot goes straight into the killer's inventory (the server's animals.js), what does
  // not fit to its feet; the bot walks to no item on the ground, as the simulator's agent
  // does not (it walked to whatever else had fallen near the body: a torch a trigger popped).
  await sleep(300)
  return { gained: diff(before, inventoryOf(bot)) }
}

const MILKABLE = new Set(['cow', 'mooshroom'])

// No room is needed (vanilla's ItemUtils.createFilledResult): the bucket stack in hand, if it
// is a last bucket, becomes the milk bucket; else one bucket goes and the milk bucket goes into
// the inventory or, with no room, lies at the feet. The smallest bucket stack is held, as the
// simulator counts buckets (env/capacity.py: full stacks and one part-filled one).
async function milk (bot, { entity: type = 'cow' }) {
  if (!MILKABLE.has(type)) refuse(C.NOT_MILKABLE, { entity: type })
  requireItems(bot, { bucket: 1 })
  const bucket = bot.inventory.items().filter(i => i.name === 'bucket').sort((a, b) => a.count - b.count)[0]
  const target = nearest(bot, type, REACH.entity + REACH.entity_slack)
  if (!target) refuse(C.NO_ENTITY, { entity: type })
  const before = inventoryOf(bot)
  await bot.equip(bucket, 'hand')
  await bot.lookAt(target.position.offset(0, (target.height || 1) / 2, 0), true)
  await bot.activateEntity(target)
  const ok = await waitFor(() => count(bot, 'bucket') < before.bucket, 3000)
  if (!ok) refuse(C.ACTION_FAILED, { what: `the ${type} gave no milk` })
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
  if (name === 'dig') return 600000 // obsidian by hand takes 250 s
  return 60000
}

async function run (botName, name, argsJson) {
  const started = Date.now()
  const finish = (extra) => JSON.stringify({ seconds: (Date.now() - started) / 1000, ...extra })
  const refusal = (err) => ({ ok: false, reason: err.message, code: err.code, params: err.params })
  const body = BODIES[name]
  if (!body) return finish(refusal(refused(C.CANNOT_RUN, { backend: 'minecraft', action: name })))
  let bot
  try {
    bot = get(botName)
  } catch (err) {
    return finish(refusal(refused(C.UNKNOWN_AGENT, { agent: botName })))
  }
  if (!online(bot)) return finish({ ...refusal(refused(C.BACKEND_ERROR, { error: `${botName} is not connected` })), offline: true })
  const args = JSON.parse(argsJson)
  try {
    const extra = await withTimeout(body(bot, args), limitMs(name, args), name)
    return finish({ ok: true, reason: null, ...extra })
  } catch (err) {
    if (!online(bot)) return finish({ ...refusal(refused(C.BACKEND_ERROR, { error: `${botName} was disconnected` })), offline: true })
    const r = err instanceof Refused ? err : refused(C.ACTION_FAILED, { what: `${name} failed: ${err && err.message ? err.message : err}` })
    return finish({ ...(err && err.extra ? err.extra : {}), ...refusal(r) })
  }
}

function start (botName, name, argsJson, jobId) {
  run(botName, name, argsJson).then(
    (result) => events.emit('done', jobId, result),
    (err) => events.emit('done', jobId, JSON.stringify({ ok: false, reason: String(err), code: C.ACTION_FAILED, params: { what: String(err) }, seconds: 0 })))
  return jobId
}

module.exports = { run, start, events, BODIES }
