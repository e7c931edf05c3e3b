'use strict'
// Helpers of the world-plugin test bots: commands with their answer, block states as the server
// and as the bot see them. Connecting, waiting and printing come from ./lib.
const { waitFor, Vec3 } = require('./lib')

// Sends a chat command and resolves with the first system message starting with `prefix` or
// "Error:" (what the server answers a failed command).
function ask (bot, text, prefix, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { bot.off('messagestr', onMessage); reject(new Error(`no answer to ${text}`)) }, ms)
    function onMessage (message) {
      if (!message.startsWith(prefix) && !message.startsWith('Error:')) return
      clearTimeout(timer)
      bot.off('messagestr', onMessage)
      resolve(message)
    }
    bot.on('messagestr', onMessage)
    bot.chat(text)
  })
}

// The server's view of a block through /blockstate: {name, properties}.
async function serverState (bot, pos) {
  const answer = await ask(bot, `/blockstate ${pos.x} ${pos.y} ${pos.z}`, 'blockstate ')
  if (!answer.startsWith('blockstate ')) throw new Error(answer)
  const { name, properties } = JSON.parse(answer.slice('blockstate '.length))
  return { name, properties }
}

// The bot's view of a block: {name, properties} with numbers for int states.
function clientState (bot, pos) {
  const block = bot.blockAt(pos)
  if (!block) throw new Error(`block at ${pos} not loaded`)
  const properties = {}
  for (const [key, value] of Object.entries(block.getProperties())) {
    properties[key] = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  }
  return { name: block.name, properties: Object.fromEntries(Object.entries(properties).sort()) }
}

// Waits until the bot sees block `name` at `pos` with the given properties.
async function waitForState (bot, pos, name, properties = {}, ms = 5000) {
  await waitFor(() => {
    const block = bot.blockAt(pos)
    if (!block || block.name !== name) return false
    const props = clientState(bot, pos).properties
    return Object.entries(properties).every(([k, v]) => props[k] === v)
  }, ms, `${name} ${JSON.stringify(properties)} at ${pos}`)
}

// Waits until the server has stopped sending chunks (none for `quietMs`).
async function chunksSettled (bot, quietMs = 400, ms = 15000) {
  await bot.waitForChunksToLoad()
  let last = Date.now()
  const onColumn = () => { last = Date.now() }
  bot.world.on('chunkColumnLoad', onColumn)
  try {
    await waitFor(() => Date.now() - last >= quietMs, ms, 'the server to finish sending chunks')
  } finally {
    bot.world.off('chunkColumnLoad', onColumn)
  }
}

// Teleports the bot and waits until it stands there with the chunks around it loaded.
// flying-squid 1.12 streams a player's chunks one round at a time, ignores moves made meanwhile,
// and measures a move from the position before it; so: wait for the round after joining, jump
// half a block above the target, then drop onto it (the second move starts far from the spawn).
async function teleport (bot, x, y, z) {
  await chunksSettled(bot)
  for (const dy of [0.5, 0]) {
    bot.chat(`/tp ${bot.username} ${x} ${y + dy} ${z}`)
    // the bot's own physics may already have dropped it from the hop: anywhere in the column
    // between the target and the hop will do
    const there = () => {
      const p = bot.entity.position
      return Math.hypot(p.x - x, p.z - z) < 0.1 && p.y > y - 0.1 && p.y < y + dy + 0.1
    }
    await waitFor(there, 15000, `${bot.username} at ${x} ${y + dy} ${z}`)
  }
  await bot.waitForChunksToLoad()
}

module.exports = { ask, serverState, clientState, waitForState, teleport }
