'use strict'
// Teleports as on a vanilla 1.19.2 server (ServerGamePacketListenerImpl): a teleport is only
// over when the client has confirmed it, and until then the client's movement packets, sent
// before it saw the teleport, are ignored instead of putting the player back where it was.
// - Each server -> client `position` packet (a /tp, the login's positions, a respawn, a move
//   the server refused) gets a fresh teleportId (flying-squid 1.12 always sends 1), and the
//   player waits for that id (`teleport()`: awaitingTeleport++, awaitingPositionFromClient).
// - While it waits, every movement packet (position, position_look, look, flying) is dropped
//   before any plugin sees it (`handleMovePlayer`); if one comes more than 20 ticks (1 s)
//   after the teleport was sent, the teleport is sent again with a new id.
// - A `teleport_confirm` with the awaited id ends the wait and puts the player where it was
//   sent (`handleAcceptTeleportPacket`: absMoveTo); a confirmation of an older id changes nothing.
// - A teleport (`player.teleport`, /tp) is one step, as on vanilla's main thread: movement is
//   dropped from its start, and the packet carries the destination. flying-squid's own
//   teleport moves the player (an asynchronous behavior), then sends wherever the player is by
//   then, so a movement packet handled in between sent the player back where it stood.

const MOVEMENT = new Set(['position', 'position_look', 'look', 'flying'])
const RESEND_MS = 1000 // 20 ticks of 50 ms

module.exports.player = function (player) {
  const client = player._client
  let lastId = 0
  let awaiting = null // {id, packet, sentAt} while a teleport is unconfirmed

  const write = client.write.bind(client)
  const STARTED = { id: null, packet: null, sentAt: Infinity } // a teleport not yet sent
  const send = (packet) => {
    lastId = (lastId % 0x7fffffff) + 1
    const stamped = { ...packet, teleportId: lastId }
    awaiting = { id: lastId, packet: stamped, sentAt: Date.now() }
    return write('position', stamped)
  }
  client.write = (name, params, ...rest) => name === 'position' ? send(params) : write(name, params, ...rest)

  const emit = client.emit.bind(client)
  client.emit = (name, ...args) => {
    if (name === 'teleport_confirm') {
      const id = args[0] && args[0].teleportId
      if (awaiting !== null && id === awaiting.id) {
        const { x, y, z } = awaiting.packet
        awaiting = null
        if (move && (player.position.x !== x || player.position.y !== y || player.position.z !== z)) {
          move(player.position.clone().set(x, y, z), player.onGround, true)
        }
      }
    } else if (awaiting !== null && MOVEMENT.has(name)) {
      if (Date.now() - awaiting.sentAt > RESEND_MS) send(awaiting.packet)
      return false
    }
    return emit(name, ...args)
  }

  let move = null
  player.once('asap', () => {
    move = player.sendPosition
    player.teleport = async (position) => {
      if (awaiting === null) awaiting = STARTED
      await move(position, false, true)
      player.position = position.clone()
      player.sendSelfPosition()
    }
  })

  /** Whether the player's last teleport is still unconfirmed (its movement packets are dropped). */
  player.awaitingTeleport = () => awaiting !== null
}
