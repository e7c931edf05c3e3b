'use strict'
// The 3D view of a running server, for the watch page: a spectator bot (see
// server/plugins/spectators.js) streams what it sees to prismarine-viewer's browser viewer.
// Two cameras: free (orbit with the mouse) and "follow an agent" (the page opens
// /?follow=<name>: a chase camera behind and above that player). Players carry name tags.
//
// Usage: node viewer.js [--server HOST:PORT] [--port HTTP_PORT] [--name NAME] [--view-distance N]
// Prints `causalcraft-viewer ready port=<http port>` once it serves, and `causalcraft-viewer
// joined` once its bot is in the game. Without --server it serves the page at once (a browser
// loads the viewer's code, game version and textures while the world is still being built)
// and joins the server named by a line `server HOST:PORT` on its standard input; a page that
// connects before then waits for the bot. Stops on SIGTERM or when its standard input closes
// (its owner went away).

const http = require('http')
const express = require('express')
const mineflayer = require('mineflayer')
// The Node half of the viewer only (its index also loads the 3D renderer, which needs the
// native canvas package the browser view does not).
const { WorldView } = require('prismarine-viewer/viewer/lib/worldView')
const { setupRoutes } = require('prismarine-viewer/lib/common')
const { PATCHES, VERSION, installedVersion, patched, servedVersions } = require('./bundle')

const GAME_VERSION = '1.19.2'
const CHASE = { back: 7, up: 5 } // the follow camera's offset from the agent, in blocks

function parseArgs (argv) {
  const opts = { server: null, port: 0, name: 'watcher', viewDistance: 4 }
  for (let i = 0; i < argv.length; i += 2) {
    const [arg, value] = [argv[i], argv[i + 1]]
    if (arg === '--server') opts.server = value
    else if (arg === '--port') opts.port = Number(value)
    else if (arg === '--name') opts.name = value
    else if (arg === '--view-distance') opts.viewDistance = Number(value)
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; expected --server, --port, --name or --view-distance`)
  }
  if (opts.server !== null) checkServer(opts.server, '--server')
  return opts
}

function checkServer (server, what) {
  if (!/^[^:\s]*:\d+$/.test(server)) throw new Error(`${what} must be host:port, got ${JSON.stringify(server)}`)
}

function followed (socket) {
  // The page picks the camera in the viewer's address; the socket's handshake carries it.
  const referer = socket.handshake.headers.referer || ''
  try {
    return new URL(referer).searchParams.get('follow')
  } catch (err) {
    return null
  }
}

// The browser bundles, patched for worlds below y = 0 and a lighter start, the worker with
// the game data of this server's version only (bundle.js).
function bundle (name) {
  const { text, missing } = patched(name, null, servedVersions(GAME_VERSION))
  for (const m of missing) {
    process.stderr.write(`viewer: prismarine-viewer ${installedVersion()} (patched for ${VERSION}): ${JSON.stringify(m.from)} found ${m.found} times; may not hold: ${m.why}\n`)
  }
  return text
}

// Serves the page; `joined` resolves to the bot once it is in the game.
function serve (joined, opts) {
  const app = express()
  app.set('etag', false) // the bundles are large: no hash of them per request
  for (const name of Object.keys(PATCHES)) {
    // Encoded once; the browser keeps it for the viewer's life (the follow camera reloads
    // the page: the 63 MB worker bundle is not fetched again).
    const code = Buffer.from(bundle(name))
    app.get(`/${name}`, (req, res) => res.type('application/javascript')
      .set('Cache-Control', 'private, max-age=3600').send(code))
  }
  setupRoutes(app)
  const server = http.createServer(app)
  const io = require('socket.io')(server, { path: '/socket.io' })
  io.on('connection', (socket) => {
    // The game version first: the page loads its block states and textures meanwhile.
    socket.emit('version', GAME_VERSION)
    joined.then((bot) => { if (socket.connected) watch(socket, bot, opts) })
  })
  server.listen(opts.port, '127.0.0.1', () => {
    process.stdout.write(`causalcraft-viewer ready port=${server.address().port}\n`)
  })
  return server
}

// What one page sees: the world around its camera's centre, and that camera.
function watch (socket, bot, opts) {
  const target = followed(socket)
  const centre = () => {
    if (target) {
      const agent = bot.players[target] && bot.players[target].entity
      return agent ? agent.position : bot.entity.position
    }
    // The free camera starts over the agents (their mean position), else where the bot is.
    const agents = Object.values(bot.players).filter(p => p.entity && p.username !== bot.username)
    if (!agents.length) return bot.entity.position
    const sum = agents.reduce((acc, p) => acc.plus(p.entity.position), bot.entity.position.scaled(0))
    return sum.scaled(1 / agents.length)
  }
  process.stderr.write(`viewer: a page connected (camera ${target ? 'follows ' + target : 'free'}, at ${centre()})\n`)
  const worldView = new WorldView(bot.world, opts.viewDistance, centre(), socket)
  worldView.init(centre())
  worldView.listenToBot(bot)
  let last = null
  const update = () => {
    const pos = centre()
    if (target) {
      // A chase camera: behind (+z) and above the agent, looking down at it.
      const cam = pos.offset(0, CHASE.up - 1.62, CHASE.back)
      socket.emit('position', { pos: cam, yaw: 0, pitch: -Math.atan2(CHASE.up, CHASE.back) })
    } else if (!last) {
      socket.emit('position', { pos }) // the orbit camera starts there, then is the user's
    }
    if (!last || last.distanceTo(pos) > 4) {
      worldView.updatePosition(pos)
      last = pos.clone()
    }
  }
  update()
  const timer = setInterval(update, 100)
  socket.on('disconnect', () => {
    clearInterval(timer)
    worldView.removeListenersFromBot(bot)
  })
}

// The spectator bot on `server` (host:port); resolves once it has spawned.
function join (server, opts) {
  const [host, port] = server.split(':')
  const bot = mineflayer.createBot({ host: host || '127.0.0.1', port: Number(port), username: opts.name, version: GAME_VERSION, auth: 'offline' })
  bot.on('kicked', (reason) => { process.stderr.write(`viewer: kicked: ${reason}\n`); process.exit(1) })
  bot.on('error', (err) => { process.stderr.write(`viewer: ${err.message}\n`) })
  bot.on('end', () => process.exit(0))
  return new Promise((resolve) => bot.once('spawn', () => {
    process.stdout.write('causalcraft-viewer joined\n')
    resolve(bot)
  }))
}

function main () {
  const opts = parseArgs(process.argv.slice(2))
  let bot = null
  let told = null
  const joined = new Promise((resolve) => { told = resolve })
  const start = (server) => join(server, opts).then((b) => { bot = b; told(b) })
  // With --server, the page is served once the bot is in (as a browser expects a world).
  if (opts.server) start(opts.server).then(() => serve(joined, opts))
  else serve(joined, opts)
  const stop = () => { try { if (bot) bot.quit() } catch (err) {} setTimeout(() => process.exit(0), 500) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  let input = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk) => {
    input += chunk
    let nl
    while ((nl = input.indexOf('\n')) >= 0) {
      const line = input.slice(0, nl).trim()
      input = input.slice(nl + 1)
      const m = /^server (\S+)$/.exec(line)
      if (!m || opts.server) {
        process.stderr.write(`viewer: ignored input ${JSON.stringify(line)} (expected one line "server HOST:PORT")\n`)
        continue
      }
      try {
        checkServer(m[1], 'server')
      } catch (err) {
        process.stderr.write(`viewer: ${err.message}\n`)
        process.exit(2)
      }
      opts.server = m[1]
      start(m[1])
    }
  })
  process.stdin.on('end', stop)
  process.stdin.resume()
}

try {
  main()
} catch (err) {
  process.stderr.write(`viewer: ${err.message}\n`)
  process.exit(2)
}

