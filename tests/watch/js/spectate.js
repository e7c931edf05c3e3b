'use strict'
// Joins a server as a watcher (a name that is not an agent's) and reports, after S seconds,
// what it saw: its game mode, how often each agent's entity moved, how many block changes
// reached it, and whether its own attempts to touch the world did anything.
// Usage: node spectate.js PORT NAME SECONDS   -> one JSON line
const path = require('path')
const mineflayer = require(path.join(__dirname, '..', '..', '..', 'env', 'node_modules', 'mineflayer'))

async function main () {
  const [port, name, seconds] = process.argv.slice(2)
  const bot = mineflayer.createBot({ host: '127.0.0.1', port: Number(port), username: name, version: '1.19.2', auth: 'offline' })
  await new Promise((resolve, reject) => {
    bot.once('spawn', resolve)
    bot.once('kicked', reason => reject(new Error(`kicked: ${reason}`)))
    bot.once('error', reject)
  })
  const moves = {}
  let blockChanges = 0
  bot.on('entityMoved', e => { if (e.username && /^agent\d+$/.test(e.username)) moves[e.username] = (moves[e.username] || 0) + 1 })
  bot.on('blockUpdate', (oldBlock, newBlock) => { if (oldBlock && newBlock && oldBlock.stateId !== newBlock.stateId) blockChanges++ })
  await new Promise(resolve => setTimeout(resolve, 1000))
  // Try to touch the world: a command (not an operator) and a dig under its feet.
  const below = bot.blockAt(bot.entity.position.offset(0, -1, 0))
  const belowName = below && below.name
  bot.chat('/setblock ~ ~-1 ~ minecraft:gold_block')
  if (below && below.name !== 'air') bot._client.write('block_dig', { status: 0, location: below.position, face: 1, sequence: 1 })
  await new Promise(resolve => setTimeout(resolve, Number(seconds) * 1000))
  const after = below && bot.world.getBlock ? bot.blockAt(below.position) : null
  console.log(JSON.stringify({
    ok: true,
    gameMode: bot.game.gameMode,
    agentMoves: moves,
    blockChanges,
    untouched: !below || (after && after.name === belowName),
    below: belowName
  }))
  bot.quit()
}

main().catch(err => { console.log(JSON.stringify({ ok: false, error: String(err && err.stack || err) })); process.exit(1) })
