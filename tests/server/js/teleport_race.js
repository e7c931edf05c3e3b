'use strict'
// A walking bot is teleported by a /tp while its own movement packets, sent before it saw the
// teleport, are still on their way: as on a vanilla 1.19.2 server, the server ignores them
// until the bot confirms the teleport, so the bot stays at the destination, both in its own
// view and in the server's (as another player sees it).
// Each round: when the teleport reaches the walker, it first sends a movement packet from where
// it stood (what its physics tick does when it runs just before the teleport is handled), then
// handles the teleport as mineflayer does (teleport_confirm, then its new position).
const { connect, sleep, waitFor, run } = require('./lib')

const ROUNDS = 4

run(async (port) => {
  const walker = await connect(port, 'tp_walker')
  const watcher = await connect(port, 'tp_watcher')
  const seen = () => watcher.players.tp_walker && watcher.players.tp_walker.entity
  await waitFor(seen, 5000, 'the watcher to see the walker')
  const ids = []
  walker._client.on('position', packet => ids.push(packet.teleportId))
  const rounds = []
  for (let i = 0; i < ROUNDS; i++) {
    const dest = [20.5 + 12 * i, -60, 30.5]
    walker.setControlState('forward', true)
    await sleep(300)
    const from = walker.entity.position.clone()
    walker._client.prependOnceListener('position', () => {
      // one TCP segment with what follows (as when the server reads a backlog of packets)
      walker._client.socket.cork()
      walker._client.write('position', { x: from.x, y: from.y, z: from.z, onGround: true })
      setImmediate(() => walker._client.socket.uncork())
    })
    walker.chat(`/tp tp_walker ${dest.join(' ')}`)
    await waitFor(() => walker.entity.position.xzDistanceTo({ x: dest[0], z: dest[2] }) < 2, 5000, 'the teleport')
    walker.setControlState('forward', false)
    await sleep(1500)
    const own = walker.entity.position
    const server = seen().position
    rounds.push({
      own: own.xzDistanceTo({ x: dest[0], z: dest[2] }),
      server: server.xzDistanceTo({ x: dest[0], z: dest[2] }),
      apart: own.xzDistanceTo(server)
    })
  }
  walker.quit()
  watcher.quit()
  return { rounds, ids }
})
