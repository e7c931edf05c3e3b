'use strict'
// Shared helpers of the server test bots: connect, wait, summarize inventories, print JSON.
const path = require('path')
const envModules = path.join(__dirname, '..', '..', '..', 'env', 'node_modules')
const mineflayer = require(path.join(envModules, 'mineflayer'))
const { Vec3 } = require(path.join(envModules, 'vec3'))

function connect (port, username) {
  return new Promise((resolve, reject) => {
    const bot = mineflayer.createBot({ host: '127.0.0.1', port, username, version: '1.19.2', auth: 'offline' })
    // generous: a loaded machine (a CI runner shared with other jobs) may take long to log in
    const timer = setTimeout(() => reject(new Error(`${username} did not spawn within 60 s`)), 60000)
    bot.once('spawn', () => { clearTimeout(timer); resolve(bot) })
    bot.once('kicked', reason => { clearTimeout(timer); reject(new Error(`${username} kicked: ${reason}`)) })
    bot.once('error', err => { clearTimeout(timer); reject(err) })
  })
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// Sorted {name: count} of the player inventory (slots 9-44) as the bot sees it.
function inventory (bot) {
  const out = {}
  for (const item of bot.inventory.items()) out[item.name] = (out[item.name] ?? 0) + item.count
  return Object.fromEntries(Object.entries(out).sort())
}

// The server's view: ask for a full resync of window 0, then summarize.
async function serverInventory (bot) {
  await bot._syncWindow(bot.inventory)
  return inventory(bot)
}

function containerItems (window) {
  const out = {}
  for (const item of window.containerItems()) out[item.name] = (out[item.name] ?? 0) + item.count
  return Object.fromEntries(Object.entries(out).sort())
}

// A timeout is not a timing test: on a loaded machine (a CI runner shared with other jobs)
// the server's ticks and packets come late, so every wait may take this many times its `ms`.
const TIMEOUT_SLACK = Number(process.env.CAUSALCRAFT_TEST_TIMEOUT_SLACK ?? 4)

// Runs a chat command and waits until `check()` holds (polling), or fails after `ms` (times
// TIMEOUT_SLACK).
async function waitFor (check, ms = 5000, what = 'condition') {
  const end = Date.now() + ms * TIMEOUT_SLACK
  while (Date.now() < end) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function give (bot, item, count) {
  const before = bot.inventory.count(bot.registry.itemsByName[item].id)
  bot.chat(`/give ${bot.username} ${item} ${count}`)
  await waitFor(() => bot.inventory.count(bot.registry.itemsByName[item].id) === before + count, 5000, `${count} ${item}`)
}

// Runs main(port) and prints {"ok": true, ...result} or {"ok": false, "error": ...} as JSON.
function run (main) {
  const port = Number(process.argv[2])
  const watchdog = setTimeout(() => { console.log(JSON.stringify({ ok: false, error: 'timeout' })); process.exit(1) }, 50000)
  main(port, process.argv.slice(3)).then(result => {
    clearTimeout(watchdog)
    console.log(JSON.stringify({ ok: true, ...result }))
    process.exit(0)
  }, err => {
    clearTimeout(watchdog)
    console.log(JSON.stringify({ ok: false, error: String(err && err.stack ? err.stack : err) }))
    process.exit(1)
  })
}

module.exports = { connect, sleep, inventory, serverInventory, containerItems, waitFor, give, run, Vec3, mineflayer }
