#!/usr/bin/env node
'use strict'
// causalcraft's embedded Minecraft 1.19.2 server: flying-squid 1.12.0, offline mode, in memory,
// a vanilla-like superflat world (world.js), and every plugin in ./plugins.
//
// Usage: node server.js [--port N] [--host H] [--gamemode survival|creative] [--view-distance N]
//   --port defaults to $CAUSALCRAFT_PORT or 0 (0 = a free port chosen by the system).
//   When the server listens and its plugins are loaded it prints exactly one line
//     causalcraft-server ready port=NNNNN version=1.19.2
//   Lines written to stdin are run as server console commands (e.g. "chestput 1 -60 2 bread 3").
//   SIGTERM / SIGINT stop it cleanly (players are kicked with "Server closed").
//
// Plugin shape (flying-squid 1.12, src/lib/plugins/external.js): each ./plugins/*.js module may
// export any of
//   module.exports.server = (serv, settings) => {}   once, right after the built-in plugins' server
//                                                     hooks have started (serv.overworld exists)
//   module.exports.player = (player, serv) => {}     per joining player; it runs BEFORE the
//                                                     built-in inventory.js hook, so
//                                                     player.inventory does not exist yet: defer
//                                                     (setImmediate / player.once('spawned'))
//   module.exports.entity = (entity, serv) => {}     per entity created (players included)
// Inside the hooks `this` is the plugin record {name, settings, ...}. Plugins are loaded in
// file-name order with serv.addPlugin(name, module), name = file name without ".js".

const path = require('path')
const fs = require('fs')

const VERSION = '1.19.2'

function parseArgs (argv) {
  const opts = {
    port: process.env.CAUSALCRAFT_PORT !== undefined ? process.env.CAUSALCRAFT_PORT : '0',
    host: '127.0.0.1',
    gamemode: 'survival',
    viewDistance: '4'
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = argv[i + 1]
    if (arg === '--port') opts.port = value
    else if (arg === '--host') opts.host = value
    else if (arg === '--gamemode') opts.gamemode = value
    else if (arg === '--view-distance') opts.viewDistance = value
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; expected --port, --host, --gamemode or --view-distance`)
    if (value === undefined) throw new Error(`argument ${arg} needs a value`)
    i++
  }
  const port = Number(opts.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be an integer in 0..65535, got ${JSON.stringify(opts.port)}`)
  const modes = { survival: 0, creative: 1, adventure: 2, spectator: 3 }
  if (!(opts.gamemode in modes)) throw new Error(`gamemode must be one of ${Object.keys(modes).join(', ')}, got ${JSON.stringify(opts.gamemode)}`)
  const viewDistance = Number(opts.viewDistance)
  if (!Number.isInteger(viewDistance) || viewDistance < 2 || viewDistance > 32) throw new Error(`view distance must be an integer in 2..32, got ${JSON.stringify(opts.viewDistance)}`)
  return { port, host: opts.host, gameMode: modes[opts.gamemode], viewDistance }
}

function pluginFiles (dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir).filter(f => f.endsWith('.js')).sort().map(f => path.join(dir, f))
}

function start (opts) {
  const mcServer = require('flying-squid')
  const settings = {
    motd: 'causalcraft',
    port: opts.port,
    host: opts.host,
    'max-players': 64,
    'online-mode': false,
    logging: false,
    gameMode: opts.gameMode,
    difficulty: 0,
    worldFolder: undefined,
    generation: { name: path.join(__dirname, 'world.js'), options: {} },
    kickTimeout: 30000,
    plugins: {},
    modpe: false,
    'view-distance': opts.viewDistance,
    'player-list-text': { header: { text: 'causalcraft' }, footer: { text: '' } },
    'everybody-op': true,
    // vanilla has no entity cap; flying-squid refuses every entity past this one (a player's
    // login past it brings the server down), so it lies beyond any task or long run
    'max-entities': 100000,
    version: VERSION
  }
  const serv = mcServer.createMCServer(settings)
  for (const file of pluginFiles(path.join(__dirname, 'plugins'))) {
    serv.addPlugin(path.basename(file, '.js'), require(file), {})
  }
  serv.once('ready', () => {
    process.stdout.write(`causalcraft-server ready port=${serv.listeningPort} version=${VERSION}\n`)
  })
  serv.on('error', err => process.stderr.write(`server error: ${err && err.stack ? err.stack : err}\n`))
  let stopping = false
  const stop = async (signal) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`causalcraft-server stopping (${signal})\n`)
    const force = setTimeout(() => process.exit(0), 3000)
    force.unref()
    try {
      await serv.quit('Server closed')
    } catch (err) {
      process.stderr.write(`error while stopping: ${err.stack}\n`)
    }
    process.exit(0)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return serv
}

if (require.main === module) {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`causalcraft-server: ${err.message}\n`)
    process.exit(2)
  }
  start(opts)
}

module.exports = { parseArgs, start, pluginFiles, VERSION }
