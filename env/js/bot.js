'use strict'
// Bot creation and state reads for the `env.minecraft` backend.
//
// Python drives this module through the `javascript` bridge (env/minecraft/bridge.py). Every
// function takes and returns primitives only (bot names, JSON strings), so that one read is one
// bridge hop: the bots live in the registry below and are named, never passed across.
//
//   join(host, port, name, timeoutMs)  -> Promise<JSON {pos}>   a bot that has spawned
//   snapshot(namesJson)                -> JSON {agents: {name: {pos, inventory, online}}, entities, ground}
//   blocks(positionsJson)              -> JSON [{name, state} | null]
//   command(name, line, waitMs)        -> Promise<JSON [chat lines received within waitMs]>
//   commands(name, linesJson)          -> true, after sending every line in order
//   ask(name, line, pattern, timeoutMs)-> Promise<the first chat line matching pattern>
//   waitBlocks(expectJson, timeoutMs)  -> Promise<JSON [positions still different]>
//   waitSeen(expectJson, timeoutMs)    -> Promise<JSON [positions some bot still sees otherwise]>
//   seeEachOther(namesJson, timeoutMs) -> Promise<JSON [names not yet seen by every bot]>
//   settle(name, x, y, z, timeoutMs)  -> Promise<bool> at (x, y, z) with the chunks around loaded
//   teleport(sender, linesJson, targetsJson, timeoutMs) -> Promise<JSON [names not teleported]>
//   steps(name, x, y, z)               -> JSON [[x, y, z]] cells the bot's walk may go to next
//   seenBy(watcher, name)              -> JSON [x, y, z] | null where the server shows `name` to `watcher`
//   quit(name), quitAll()
//   startCall(fnName, argsJson, jobId) -> jobId; emits events 'done' (jobId, JSON {ok, value|error})

const { EventEmitter } = require('events')
const mineflayer = require('mineflayer')
const { pathfinder } = require('mineflayer-pathfinder')
const { PanelMovements, keepPathOnPanelFloors } = require('./walk')
const { Vec3 } = require('vec3')
const { ChatLog } = require('./chatlog')

const VERSION = '1.19.2'
const bots = new Map()
// Long calls end by an event ('done', jobId, resultJson) instead of holding the bridge.
const events = new EventEmitter()
events.setMaxListeners(0)

function get (name) {
  const bot = bots.get(name)
  if (!bot) throw new Error(`no bot named ${JSON.stringify(name)}; known: ${[...bots.keys()].join(', ') || 'none'}`)
  return bot
}

function online (bot) {
  return Boolean(bot && bot.entity && !bot._ccEnded)
}

// Movements that never change the world: no digging, no scaffolding, no door opening; through
// open doors and other panels as the simulator walks (walk.js).
function safeMovements (bot) {
  const moves = new PanelMovements(bot)
  moves.canDig = false
  moves.allow1by1towers = false
  moves.allowParkour = false
  moves.allowSprinting = false
  moves.canOpenDoors = false
  moves.scafoldingBlocks = []
  return moves
}

function join (host, port, name, timeoutMs = 30000) {
  const old = bots.get(name)
  if (old && !old._ccEnded) {
    try { old.quit() } catch (err) {}
  }
  return new Promise((resolve, reject) => {
    const bot = mineflayer.createBot({
      host, port, username: name, version: VERSION, auth: 'offline', hideErrors: true,
      checkTimeoutInterval: 60000
    })
    bot._ccEnded = false
    bot._ccChat = new ChatLog(200)
    trackForcedMoves(bot)
    let done = false
    const timer = setTimeout(() => {
      if (done) return
      done = true
      try { bot.quit() } catch (err) {}
      reject(new Error(`bot ${name} did not spawn on ${host}:${port} within ${timeoutMs} ms`))
    }, timeoutMs)
    bot.on('messagestr', (msg) => bot._ccChat.push(msg))
    bot.on('end', (reason) => { bot._ccEnded = true; bot._ccEndReason = String(reason) })
    bot.on('kicked', (reason) => { bot._ccKicked = String(reason) })
    bot.on('error', (err) => {
      bot._ccError = String(err && err.message ? err.message : err)
      if (!done) {
        done = true
        clearTimeout(timer)
        reject(new Error(`bot ${name} could not join ${host}:${port}: ${bot._ccError}`))
      }
    })
    bot.once('spawn', async () => {
      if (done) return
      try {
        await bot.waitForChunksToLoad()
      } catch (err) {} // settle() below nudges the server if chunks are missing
      if (done) return
      done = true
      clearTimeout(timer)
      bot.loadPlugin(pathfinder)
      bot.pathfinder.setMovements(safeMovements(bot))
      keepPathOnPanelFloors(bot)
      bot.pathfinder.thinkTimeout = 5000
      bots.set(name, bot)
      resolve(JSON.stringify({ pos: vec(bot.entity.position) }))
    })
  })
}

function vec (v) {
  return [v.x, v.y, v.z]
}

const FORCED_KEPT = 16

// Counts the position packets the bot has obeyed (a teleport, a respawn, a move the server
// sent back): mineflayer puts the bot where the packet says, confirms it and emits
// 'forcedMove'. `_ccMoves` is their number so far, `_ccMovedTo` the last few as {n, pos}.
function trackForcedMoves (bot) {
  bot._ccMoves = 0
  bot._ccMovedTo = []
  bot.on('forcedMove', () => {
    bot._ccMoves++
    bot._ccMovedTo.push({ n: bot._ccMoves, pos: bot.entity.position.clone() })
    if (bot._ccMovedTo.length > FORCED_KEPT) bot._ccMovedTo.shift()
  })
}

// Whether the bot has been put at `target` (a Vec3) by a position packet after its
// `since`-th one.
function movedTo (bot, since, target) {
  return bot._ccMovedTo.some(m => m.n > since && m.pos.distanceTo(target) < 1e-6)
}

function inventoryOf (bot) {
  const counts = {}
  for (const item of bot.inventory.items()) counts[item.name] = (counts[item.name] || 0) + item.count
  // An item left on the cursor (a window closed mid-click) is still the player's.
  const cursor = bot.inventory.selectedItem
  if (cursor) counts[cursor.name] = (counts[cursor.name] || 0) + cursor.count
  return counts
}

function entitiesSeen (bot) {
  const out = []
  for (const e of Object.values(bot.entities)) {
    if (e === bot.entity || e.type === 'player' || !e.name || !e.isValid) continue
    if (e.name === 'item' || e.name === 'experience_orb') continue
    out.push({ id: String(e.id), type: e.name, pos: vec(e.position) })
  }
  out.sort((a, b) => Number(a.id) - Number(b.id))
  return out
}

// The item entities (stacks on the ground) a bot sees: {item, count, pos}, by entity id.
function groundSeen (bot) {
  const out = []
  for (const e of Object.values(bot.entities)) {
    if (e.name !== 'item' || !e.isValid) continue
    // The stack is the metadata's slot value: index 8 in 1.19 (mineflayer's getDroppedItem),
    // index 7 from flying-squid 1.12, which leaves out the entity's frozen-ticks entry.
    const slot = (e.metadata || []).find(m => m && typeof m === 'object' && m.itemId !== undefined && m.present !== false)
    const item = slot && bot.registry.items[slot.itemId]
    if (item) out.push({ id: e.id, item: item.name, count: Number(slot.itemCount), pos: vec(e.position) })
  }
  out.sort((a, b) => a.id - b.id)
  return out.map(({ id, ...rest }) => rest)
}

function snapshot (namesJson) {
  const names = JSON.parse(namesJson)
  const agents = {}
  let eyes = null
  for (const name of names) {
    const bot = bots.get(name)
    if (!online(bot)) {
      agents[name] = { online: false, pos: null, inventory: {} }
      continue
    }
    if (!eyes) eyes = bot
    agents[name] = { online: true, pos: vec(bot.entity.position), inventory: inventoryOf(bot) }
  }
  return JSON.stringify({ agents, entities: eyes ? entitiesSeen(eyes) : [], ground: eyes ? groundSeen(eyes) : [] })
}

function blockState (block) {
  if (!block) return null
  const state = block.getProperties()
  return { name: block.name, state }
}

// The first online bot that has the chunk loaded answers.
function blockAt (x, y, z) {
  const p = new Vec3(x, y, z)
  for (const bot of bots.values()) {
    if (!online(bot)) continue
    const block = bot.blockAt(p)
    if (block) return blockState(block)
  }
  return null
}

function blocks (positionsJson) {
  return JSON.stringify(JSON.parse(positionsJson).map(([x, y, z]) => blockAt(x, y, z)))
}

function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function matches (actual, want) {
  if (!actual || actual.name !== want.name) return false
  for (const [k, v] of Object.entries(want.state || {})) {
    if (String(actual.state[k]) !== String(v)) return false
  }
  return true
}

// Waits until every expected block {pos, name, state} is seen; answers the ones that are not.
async function waitBlocks (expectJson, timeoutMs = 10000) {
  const expect = JSON.parse(expectJson)
  const started = Date.now()
  const deadline = started + timeoutMs
  let missing = expect
  while (true) {
    missing = missing.filter(b => !matches(blockAt(...b.pos), b))
    if (missing.length === 0 || Date.now() > deadline) break
    // Blocks in chunks no bot has loaded cannot be seen: answer them soon (the caller asks the server).
    if (Date.now() > started + 2000 && missing.every(b => blockAt(...b.pos) === null)) break
    await sleep(50)
  }
  return JSON.stringify(missing.map(b => ({ pos: b.pos, want: b.name, got: blockAt(...b.pos) })))
}

// Waits until every online bot that has the chunk loaded sees each expected block {pos, name,
// state} (what a trigger's effect set: the next walk of any of them plans with it); answers
// the positions some bot still sees otherwise.
async function waitSeen (expectJson, timeoutMs = 3000) {
  const expect = JSON.parse(expectJson)
  const deadline = Date.now() + timeoutMs
  const stale = (b) => [...bots.values()].some(bot => {
    if (!online(bot)) return false
    const block = bot.blockAt(new Vec3(...b.pos))
    return block !== null && !matches(blockState(block), b)
  })
  let missing = expect.filter(stale)
  while (missing.length > 0 && Date.now() < deadline) {
    await sleep(20)
    missing = missing.filter(stale)
  }
  return JSON.stringify(missing.map(b => b.pos))
}

// Sends a chat line (a command when it starts with "/") and answers what the server said back.
async function command (name, line, waitMs = 0) {
  const bot = get(name)
  if (!online(bot)) throw new Error(`bot ${name} is not connected`)
  const before = bot._ccChat.count
  bot.chat(line)
  if (waitMs > 0) await sleep(waitMs)
  return JSON.stringify(bot._ccChat.since(before))
}

// Sends several chat lines in order, in one hop.
function commands (name, linesJson) {
  const bot = get(name)
  if (!online(bot)) throw new Error(`bot ${name} is not connected`)
  for (const line of JSON.parse(linesJson)) bot.chat(line)
  return true
}

// Sends a command and answers the first chat line matching `pattern` (a RegExp source); fails
// with the server's last answer when none matches in time.
async function ask (name, line, pattern, timeoutMs = 5000) {
  const bot = get(name)
  if (!online(bot)) throw new Error(`bot ${name} is not connected`)
  const re = new RegExp(pattern)
  let start = bot._ccChat.count
  bot.chat(line)
  const deadline = Date.now() + timeoutMs
  const seen = []
  while (Date.now() < deadline) {
    for (const msg of bot._ccChat.since(start)) {
      if (re.test(msg)) return msg
      seen.push(msg)
    }
    start = bot._ccChat.count
    await sleep(20)
  }
  throw new Error(`no answer to ${JSON.stringify(line)} matching /${pattern}/ within ${timeoutMs} ms` +
    (seen.length ? `; the server said: ${seen.slice(-3).join(' | ')}` : ''))
}

// Opens the chest at x y z through the protocol (as a player would), answers its contents as
// JSON {"item": count}, and closes it. The bot must be within reach of the chest.
function isContainer (blockName) {
  return ['chest', 'trapped_chest', 'barrel', 'hopper', 'dispenser', 'dropper'].includes(blockName) ||
    blockName.endsWith('shulker_box')
}

async function peekChest (name, x, y, z, timeoutMs = 5000) {
  const bot = get(name)
  if (!online(bot)) throw new Error(`bot ${name} is not connected`)
  const at = new Vec3(x, y, z)
  // The block update of a chest just set may come after the call: wait for it.
  const deadline = Date.now() + timeoutMs
  let block = bot.blockAt(at)
  while (!(block && isContainer(block.name)) && Date.now() < deadline) {
    await sleep(50)
    block = bot.blockAt(at)
  }
  if (!block) throw new Error(`${name} has not loaded the chunk of ${x} ${y} ${z}`)
  if (!isContainer(block.name)) throw new Error(`${name} sees ${block.name} at ${x} ${y} ${z}, not a chest`)
  let timer
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`opening the chest at ${x} ${y} ${z} took over ${timeoutMs} ms`)), timeoutMs)
  })
  let window
  try {
    window = await Promise.race([bot.openContainer(block), late])
  } finally {
    clearTimeout(timer)
  }
  try {
    const counts = {}
    for (const item of window.containerItems()) counts[item.name] = (counts[item.name] || 0) + item.count
    return JSON.stringify(counts)
  } finally {
    window.close()
  }
}

// Waits until every bot sees every other one; answers the names some bot still misses.
async function seeEachOther (namesJson, timeoutMs = 10000) {
  const names = JSON.parse(namesJson)
  const deadline = Date.now() + timeoutMs
  while (true) {
    const unseen = new Set()
    for (const name of names) {
      const bot = bots.get(name)
      if (!online(bot)) { unseen.add(name); continue }
      for (const other of names) {
        if (other !== name && !(bot.players[other] && bot.players[other].entity)) unseen.add(other)
      }
    }
    if (unseen.size === 0 || Date.now() > deadline) return JSON.stringify([...unseen].sort())
    await sleep(50)
  }
}

// Waits until the bot's feet are at pos (within tol blocks); answers whether they are.
async function waitAt (name, x, y, z, tol = 0.6, timeoutMs = 5000) {
  const bot = get(name)
  const target = new Vec3(x, y, z)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (online(bot) && bot.entity.position.distanceTo(target) <= tol) return true
    await sleep(50)
  }
  return false
}

function chunksAround (bot, radius = 1) {
  const p = bot.entity.position
  for (let dx = -radius; dx <= radius; dx++) {
    for (let dz = -radius; dz <= radius; dz++) {
      if (!bot.world.getColumnAt(new Vec3(p.x + 16 * dx, 0, p.z + 16 * dz))) return false
    }
  }
  return true
}

// Waits until the bot stands at (x, y, z), landed, with the chunks around it loaded. flying-squid sends
// the chunks of a teleport's destination only if it is not still sending the join's chunks;
// a teleport a hair away (from the bot itself) makes it look again.
async function settle (name, x, y, z, timeoutMs = 15000) {
  const bot = get(name)
  const target = new Vec3(x, y, z)
  const deadline = Date.now() + timeoutMs
  let nudgeAt = Date.now() + 1500
  let hair = 0.001
  while (Date.now() < deadline) {
    if (online(bot) && bot.entity.position.distanceTo(target) <= 0.6 && chunksAround(bot)) {
      await land(bot, Date.now() + LAND_MS)
      return true
    }
    if (Date.now() > nudgeAt && online(bot)) {
      bot.chat(`/tp ${name} ${x + hair} ${y.toFixed(3)} ${z}`)
      hair = -hair
      nudgeAt = Date.now() + 1500
    }
    await sleep(50)
  }
  return false
}

const LAND_MS = 1000 // a bot in water or on a ladder never lands: a second is enough to tell
const FALL_MS = 2500 // a teleport's destination up in the air: the fall, ten blocks or so

async function land (bot, until) {
  while (online(bot) && !bot.entity.onGround && Date.now() < until) await sleep(50)
}

// Sends a trigger's commands from `sender` (its /tp lines among them) and waits until each
// player they teleport ({name: [x, y, z]}, the /tp's own numbers) has had its teleport: a
// position packet to that place, received after the commands went out. As in the game, a
// destination in the air is then fallen from (the bot waits to land, and rests below it, as
// the simulator's agents do), and the chunks around are loaded (if flying-squid sent none, a
// teleport a hair from where the bot lies makes it look again; never back to the destination,
// which would undo the fall or a walk begun since). Answers the names still without theirs
// after timeoutMs.
async function teleport (sender, linesJson, targetsJson, timeoutMs = 5000) {
  const targets = Object.entries(JSON.parse(targetsJson)).map(([name, p]) => {
    const bot = get(name)
    return { name, bot, target: new Vec3(...p), since: bot._ccMoves }
  })
  commands(sender, linesJson)
  const deadline = Date.now() + timeoutMs
  const late = []
  for (const { name, bot, target, since } of targets) {
    while (online(bot) && !movedTo(bot, since, target) && Date.now() < deadline) await sleep(20)
    if (!online(bot) || !movedTo(bot, since, target)) {
      late.push(name)
      continue
    }
    await land(bot, Math.min(deadline, Date.now() + FALL_MS))
    let nudgeAt = Date.now() + 1500
    while (online(bot) && !chunksAround(bot) && Date.now() < deadline) {
      if (Date.now() > nudgeAt) {
        const p = bot.entity.position
        bot.chat(`/tp ${name} ${p.x + 0.001} ${p.y.toFixed(3)} ${p.z}`)
        nudgeAt = Date.now() + 1500
      }
      await sleep(50)
    }
  }
  return JSON.stringify(late)
}

// The cells one move of the bot's walk goes to from the cell (x, y, z), as its path search
// sees them (the simulator's Walker.neighbours is the same rule): [[x, y, z]], sorted.
function steps (name, x, y, z) {
  const bot = get(name)
  const node = { x, y, z, remainingBlocks: 0 }
  const cells = bot.pathfinder.movements.getNeighbors(node).map(m => [m.x, m.y, m.z])
  cells.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
  return JSON.stringify(cells)
}

// Where the player `name` is as the server shows it to the bot `watcher` (the position the
// server holds and broadcasts to other players, not the bot's own idea of where it is):
// [x, y, z], or null when the watcher does not see it.
function seenBy (watcher, name) {
  const player = get(watcher).players[name]
  return JSON.stringify(player && player.entity ? vec(player.entity.position) : null)
}

function status (name) {
  const bot = bots.get(name)
  if (!bot) return JSON.stringify({ known: false, online: false })
  return JSON.stringify({
    known: true,
    online: online(bot),
    ended: bot._ccEnded,
    reason: bot._ccKicked || bot._ccEndReason || bot._ccError || null
  })
}

function quit (name) {
  const bot = bots.get(name)
  bots.delete(name)
  if (bot && !bot._ccEnded) {
    try { bot.quit('done') } catch (err) {}
  }
}

function quitAll () {
  for (const name of [...bots.keys()]) quit(name)
}

// Test hook: drop the bot's connection without a clean quit (as a network failure would);
// with midMove, in the middle of moving an item: its first stack is on the cursor.
async function drop (name, midMove = false) {
  const bot = get(name)
  const first = bot.inventory.items()[0]
  if (midMove && first) {
    await bot.clickWindow(first.slot, 0, 0)
    await sleep(300) // the click reaches the server before the connection goes
  }
  bot._client.socket.destroy()
}

// After a rejoin: what the bot dropped as it left (a stack on its cursor, its crafting grid:
// the server drops them where it stood, as vanilla does) lies at its feet, and is picked up
// once its pickup delay (2 s) is over. Waits until no item is within `radius` blocks, or
// `timeoutMs` (looking for one second at least); answers how many are left.
async function collectDropped (name, radius, timeoutMs) {
  const bot = get(name)
  const deadline = Date.now() + timeoutMs
  const near = () => Object.values(bot.entities).filter(e => e.name === 'item' &&
    e.position.distanceTo(bot.entity.position) <= radius).length
  // The item entities around come with the join's first packets: look for a moment first.
  const looked = Date.now() + Math.min(1000, timeoutMs)
  while (Date.now() < deadline && online(bot) && (near() > 0 || Date.now() < looked)) await sleep(100)
  return near()
}

// Runs one of this module's functions as a job: answers at once, emits 'done' when it ends.
function startCall (fnName, argsJson, jobId) {
  const fn = module.exports[fnName]
  if (typeof fn !== 'function') throw new Error(`bot.js has no function ${fnName}`)
  Promise.resolve()
    .then(() => fn(...JSON.parse(argsJson)))
    .then(
      (value) => events.emit('done', jobId, JSON.stringify({ ok: true, value })),
      (err) => events.emit('done', jobId, JSON.stringify({ ok: false, error: String(err && err.message ? err.message : err) })))
  return jobId
}

module.exports = {
  events, startCall, bots, get, online, join, snapshot, blocks, blockAt, waitBlocks, command, commands, ask, peekChest, waitSeen, seeEachOther, waitAt, settle, teleport, steps, seenBy, collectDropped,
  status, quit, quitAll, drop, inventoryOf, entitiesSeen, groundSeen, safeMovements, sleep, vec
}
