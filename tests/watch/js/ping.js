'use strict'
// Asks a Minecraft 1.19.2 server for its status (the server-list ping a client sends) and
// prints one JSON line: {ok, online, players: [names]} (players: the ping's sample).
// Usage: node ping.js HOST PORT
const path = require('path')
const mc = require(path.join(__dirname, '..', '..', '..', 'env', 'node_modules', 'minecraft-protocol'))

const [host, port] = process.argv.slice(2)
mc.ping({ host, port: Number(port), version: '1.19.2' }).then(status => {
  const players = status.players || {}
  console.log(JSON.stringify({
    ok: true,
    online: players.online,
    players: (players.sample || []).map(p => p.name)
  }))
}).catch(err => {
  console.log(JSON.stringify({ ok: false, error: String(err) }))
})
