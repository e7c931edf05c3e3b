'use strict'
// Player fixes over flying-squid 1.12.0:
// - Players see each other whatever the join order: flying-squid sends the tab list of a new
//   player to everybody but that player, and mineflayer ignores a player spawn whose
//   player_info it never got; the list is sent to the new player itself here.
// - Commands of one caller run in order, one at a time.
// - A command that throws answers its caller (chat, or the console log) with the error
//   instead of crashing the server and kicking everyone.
// - With CAUSALCRAFT_DIAGNOSTICS=1 in the environment, /failtest [message] throws an internal
//   error, to check the point above.
// - A player who reconnects (same name, so same offline uuid) gets back the inventory and the
//   position they left with, as on a vanilla server (flying-squid without a world folder
//   forgets them); it picks up nothing before they are back.
// - Picking up an item entity takes its whole count (flying-squid's takes one).
// - /give <player> <item> [count] counts items as numbers and splits them into stacks
//   (flying-squid's concatenates the count as a string); what does not fit lies at the
//   player's feet for it alone (../ground.js).
// - Death and respawn as vanilla: a player whose health reaches 0 drops what it holds where it
//   died (keepInventory is off by default); its respawn request (client_command action 0, which
//   'perform_respawn' in 1.19's protocol, which flying-squid 1.12 does not read) brings it back at the world spawn
//   with full health, 20 food and 5 saturation.
// - Sneaking is seen (1.19 names the player command), so a block placed against a chest, a
//   crafting table or a furnace is placed, as in vanilla, instead of opening it.
// - /clear [player] [item] [maxCount], as vanilla's: empties the inventory (or removes that
//   item, at most maxCount of it) and answers how many items went.

const UserError = require('flying-squid').UserError
const { install } = require('./windows_common')
const { DESPAWN_MS, delayMs, dropAtFeet } = require('../ground')

module.exports.server = function (serv) {
  const registry = serv.registry
  const api = install(serv)

  // Console commands run one after the other, in the order they were typed.
  let consoleQueue = Promise.resolve()
  serv.handleCommand = (str) => {
    consoleQueue = consoleQueue.then(async () => {
      try {
        const res = await serv.commands.use(str)
        if (res) serv.info(res)
      } catch (err) {
        serv.err(err.userError ? err.message : `command ${JSON.stringify(str)} failed: ${err.stack}`)
      }
    })
    return consoleQueue
  }

  if (process.env.CAUSALCRAFT_DIAGNOSTICS === '1') {
    serv.commands.add({
      base: 'failtest',
      info: 'throw an internal error (diagnostics)',
      usage: '/failtest [message]',
      op: true,
      action (message) {
        throw new Error(message || 'failtest')
      }
    })
  }

  serv.commands.add({
    base: 'give',
    info: 'give items to a player',
    usage: '/give <player> <item> [count]',
    op: true,
    parse (str, ctx) {
      const args = str.trim().split(/\s+/)
      if (args.length < 2 || args.length > 3 || args[0] === '') return false
      const players = serv.getPlayers(args[0], ctx.player)
      if (players.length < 1) throw new UserError(`player ${JSON.stringify(args[0])} not found`)
      const name = args[1].replace(/^minecraft:/, '')
      const itemData = registry.itemsByName[name]
      if (!itemData) throw new UserError(`unknown item ${JSON.stringify(args[1])}`)
      const count = args.length === 3 ? Number(args[2]) : 1
      if (!Number.isInteger(count) || count < 1) throw new UserError(`count must be a positive integer, got ${JSON.stringify(args[2])}`)
      return { players, itemData, count }
    },
    action ({ players, itemData, count }) {
      const lines = []
      for (const player of players) {
        const left = api.giveToInventory(player, itemData.id, count)
        // vanilla's GiveCommand: what does not fit lies at the player's feet, for it alone
        if (left > 0) dropAtFeet(serv, player, itemData.id, left, 'give_overflow')
        lines.push(`gave ${count - left} ${itemData.name} to ${player.username}` + (left ? ` (${left} at its feet)` : ''))
      }
      return lines.join('; ')
    }
  })

  serv.commands.add({
    base: 'clear',
    info: 'remove items from a player inventory',
    usage: '/clear [player] [item] [maxCount]',
    op: true,
    parse (str, ctx) {
      const args = str.trim().split(/\s+/).filter(Boolean)
      if (args.length > 3) return false
      const players = args.length ? serv.getPlayers(args[0], ctx.player) : (ctx.player ? [ctx.player] : [])
      if (players.length < 1) throw new UserError(`player ${JSON.stringify(args[0] ?? '')} not found`)
      let itemData = null
      if (args.length > 1) {
        itemData = registry.itemsByName[args[1].replace(/^minecraft:/, '')]
        if (!itemData) throw new UserError(`unknown item ${JSON.stringify(args[1])}`)
      }
      const max = args.length > 2 ? Number(args[2]) : Infinity
      if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) throw new UserError(`maxCount must be a whole number, got ${JSON.stringify(args[2])}`)
      return { players, itemData, max }
    },
    action ({ players, itemData, max }) {
      const lines = []
      for (const player of players) {
        let left = max
        let removed = 0
        const slots = player.inventory.slots
        for (let i = 0; i < slots.length && left > 0; i++) {
          const s = slots[i]
          if (!s || (itemData && s.type !== itemData.id)) continue
          const n = Math.min(left, Number(s.count))
          removed += n
          left -= n
          if (n === Number(s.count)) player.inventory.updateSlot(i, null)
          else player.inventory.updateSlot(i, new api.Item(s.type, Number(s.count) - n, s.metadata, s.nbt))
        }
        const cursor = api.state(player).cursor
        if (cursor && left > 0 && (!itemData || cursor.type === itemData.id)) {
          removed += Number(cursor.count)
          api.state(player).cursor = null
          api.sendSlot(player, -1, -1, null)
        }
        lines.push(`removed ${removed} item(s) from ${player.username}`)
      }
      return lines.join('; ')
    }
  })
}

module.exports.player = function (player, serv) {
  const api = install(serv)
  if (!serv.ccLeftPlayers) serv.ccLeftPlayers = new Map()
  const left = serv.ccLeftPlayers

  player.on('disconnected', () => {
    if (!player.uuid || !player.inventory) return
    api.releaseOnDisconnect(player) // the cursor drops first: it is not part of what is kept
    left.set(player.uuid, {
      position: player.position.clone(),
      slots: player.inventory.slots.map(item => (item ? { type: item.type, count: Number(item.count), metadata: item.metadata, nbt: item.nbt } : null))
    })
  })
  // A player picks nothing up until its kept inventory is back (ccInventoryBack, read by
  // ground_items.js): flying-squid lists a player before it has spawned, and the restore below
  // would then write over what it picked up.
  player.once('spawned', () => {
    const saved = left.get(player.uuid)
    player.ccInventoryBack = true
    if (!saved) return
    left.delete(player.uuid)
    const Item = require('prismarine-item')(serv.registry)
    saved.slots.forEach((item, slot) => {
      if (item) player.inventory.updateSlot(slot, new Item(item.type, item.count, item.metadata, item.nbt))
    })
  })

  // Chunks follow the player after a long move. flying-squid measures the distance from the
  // position before the move and ignores moves made while a round of chunks is being sent,
  // so after a far /tp the player can stand in unloaded chunks: send another round whenever
  // a move (or the end of a round) leaves the player more than a chunk from where the last
  // round was centred.
  const follow = () => {
    if (player.sendingChunks || !player.lastPositionChunkUpdated) return
    if (player.position.distanceTo(player.lastPositionChunkUpdated) > 16) player.worldSendRestOfChunks()
  }
  player.once('spawned', () => {
    const round = player.worldSendRestOfChunks
    player.worldSendRestOfChunks = async () => { await round(); follow() }

    // The login ends, once the client has answered, by sending the player back to its login
    // position "so that it does not fall through the world". A /tp that came in between would
    // be undone: then send the player where it is now instead (once, for that login call).
    let teleported = false
    let loginReset = true
    const teleport = player.teleport
    player.teleport = async (position) => { teleported = true; return teleport(position) }
    const sendSelfPosition = player.sendSelfPosition
    player.sendSelfPosition = (newPosition) => {
      if (loginReset && newPosition) {
        loginReset = false
        if (teleported) return sendSelfPosition()
      }
      return sendSelfPosition(newPosition)
    }
  })
  player.on('move_done', follow)

  // login.js (a later hook) defines serv._sendPlayerList for each joining player, and
  // settings.js player.findSpawnPoint; replace them once they exist, before the player logs in.
  player.once('asap', () => {
    const findSpawnPoint = player.findSpawnPoint
    player.findSpawnPoint = async () => {
      const saved = left.get(player._client.uuid)
      if (saved) player.spawnPoint = saved.position.clone()
      else await findSpawnPoint()
    }
    const entry = (p) => ({
      uuid: p.uuid,
      name: p.username,
      properties: p.profileProperties,
      gamemode: p.gameMode,
      ping: p._client.latency
    })
    serv._sendPlayerList = (toPlayer) => {
      // Everybody (the new player included) to the new player, the new player to the others.
      toPlayer._client.write('player_info', { action: 'add_player', data: serv.players.map(entry) })
      toPlayer._writeOthers('player_info', { action: 'add_player', data: [entry(toPlayer)] })
    }
  })

  // Death: the items drop where the player died; the respawn request brings it back.
  player.once('spawned', () => {
    const updateHealth = player.updateHealth
    player.updateHealth = (health) => {
      const wasAlive = player.health > 0
      updateHealth(health)
      if (wasAlive && health <= 0) dropEverything()
    }
  })
  function dropEverything () {
    const slots = player.inventory.slots
    for (let i = 0; i < slots.length; i++) {
      const item = slots[i]
      if (!item) continue
      serv.spawnObject(serv.registry.entitiesByName.item.id, player.world, player.position.offset(0, 1, 0), {
        itemId: item.type, itemCount: Number(item.count), pickupTime: delayMs('player_drop'), deathTime: DESPAWN_MS
      })
      player.inventory.updateSlot(i, null)
    }
  }
  player._client.on('client_command', (data = {}) => {
    const action = data.actionId ?? data.payload
    if ((action !== 0 && action !== 'perform_respawn') || !(player.health <= 0)) return
    // flying-squid's _sendRespawn writes a number where 1.19 wants the dimension's name.
    player._client.write('respawn', {
      dimension: serv.registry.loginPacket.worldType,
      worldName: serv.dimensionNames[0],
      hashedSeed: serv.hashedSeed,
      gamemode: player.gameMode,
      previousGamemode: player.gameMode,
      isDebug: false,
      isFlat: true,
      copyMetadata: false
    })
    player.food = 20
    player.foodSaturation = 5
    player.sendSelfPosition(player.spawnPoint.clone())
    player.updateHealth(20)
    player.nearbyEntities = []
    player.updateAndSpawn()
  })

  // Sneaking: 1.19's protocol names the player command ('start_sneaking'), which flying-squid
  // 1.12 compares with the number 0, so a sneaking player was never crouching and a block
  // placed against a crafting table, chest or furnace opened it instead (vanilla places it).
  player._client.on('entity_action', ({ actionId } = {}) => {
    if (actionId === 'start_sneaking') player.crouching = true
    else if (actionId === 'stop_sneaking') player.crouching = false
  })

  // A player's commands run one after the other, in the order they were sent.
  let queue = Promise.resolve()
  player.handleCommand = (str) => {
    queue = queue.then(() => runCommand(str))
    return queue
  }
  async function runCommand (str) {
    try {
      const res = await serv.commands.use(str, { player }, player.op)
      if (res) player.chat(serv.color.red + res)
    } catch (err) {
      if (err.userError) {
        player.chat(serv.color.red + 'Error: ' + err.message)
      } else {
        serv.err(`command ${JSON.stringify(str)} from ${player.username} failed: ${err.stack}`)
        player.chat(serv.color.red + 'Error: ' + (err.message || String(err)))
      }
    }
  }
}
