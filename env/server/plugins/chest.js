'use strict'
// Chests (and trapped chests, barrels): real 27-slot storage per block position, shared by
// every player who has it open (each click is sent to the other viewers), shown in a
// generic_9x3 window followed by the player inventory. Replaces flying-squid's chest.js, which
// stores nothing. Breaking or replacing the block discards its contents.
//
// Commands (op; also from the server console):
//   /chestput x y z item [count]   add items to the chest at x y z (~ for relative coordinates)
//   /chestget x y z                print the contents as JSON [{"slot":0,"name":"bread","count":3}]
//   /chestclear x y z              empty it

const { Vec3 } = require('vec3')
const UserError = require('flying-squid').UserError
const { install, attachPlayer, dropContentsWhenReplaced } = require('./windows_common')

const CHEST_BLOCKS = ['chest', 'trapped_chest', 'barrel']
const SIZE = 27

function positionKey (pos) {
  return `${pos.x},${pos.y},${pos.z}`
}

// Parses "x y z" (integers or ~ / ~n relative to `origin`); throws UserError naming the bad part.
function parsePosition (parts, origin) {
  if (parts.length < 3) throw new UserError('expected coordinates x y z')
  const axes = ['x', 'y', 'z']
  const out = parts.slice(0, 3).map((raw, i) => {
    if (raw.startsWith('~')) {
      if (!origin) throw new UserError(`relative coordinate ${raw} needs a player`)
      const delta = raw.length > 1 ? Number(raw.slice(1)) : 0
      if (!Number.isFinite(delta)) throw new UserError(`bad ${axes[i]} coordinate ${JSON.stringify(raw)}`)
      return Math.floor(origin[axes[i]] + delta)
    }
    const value = Number(raw)
    if (!Number.isInteger(value)) throw new UserError(`bad ${axes[i]} coordinate ${JSON.stringify(raw)}: expected an integer`)
    return value
  })
  return new Vec3(out[0], out[1], out[2])
}

module.exports = { parsePosition, positionKey, CHEST_BLOCKS }

module.exports.server = function (serv) {
  const api = install(serv)
  const { Item } = api
  const registry = serv.registry
  const chestIds = new Set(CHEST_BLOCKS.map(name => registry.blocksByName[name].id))
  const chests = new Map()
  serv.ccChests = chests

  function storageAt (pos) {
    const key = positionKey(pos)
    let storage = chests.get(key)
    if (!storage) {
      storage = { slots: new Array(SIZE).fill(null), viewers: new Set(), position: pos.clone() }
      chests.set(key, storage)
    }
    return storage
  }

  async function requireChest (pos) {
    const block = await serv.overworld.getBlock(pos)
    if (!block || !chestIds.has(block.type)) {
      throw new UserError(`no chest at ${pos.x} ${pos.y} ${pos.z} (found ${block ? block.name : 'nothing'})`)
    }
    return storageAt(pos)
  }

  // The lid, as vanilla's ChestBlockEntity: block action 1 with the number of players looking
  // in, sent to everyone who has the chunk, whenever that number changes (mineflayer's
  // chestLidMove; a client animates the lid). Barrels have no lid.
  async function showLid (storage) {
    const open = storage.viewers.size
    if (storage.lid === open) return
    storage.lid = open
    const block = await serv.overworld.getBlock(storage.position)
    if (!block || !chestIds.has(block.type) || block.name === 'barrel') return
    for (const other of serv.players) {
      other._client.write('block_action', { location: storage.position, byte1: 1, byte2: open, blockId: block.type })
    }
  }

  serv.ccShowLid = showLid

  function openChest (player, pos) {
    attachPlayer(serv, player)
    const storage = storageAt(pos)
    api.openWindow(player, {
      key: 'minecraft:generic_9x3',
      title: 'Chest',
      size: SIZE,
      storage,
      onOpen: () => showLid(storage),
      onClose: () => setImmediate(() => showLid(storage))
    })
  }

  for (const name of CHEST_BLOCKS) {
    serv.onBlockInteraction(name, ({ block, player }) => {
      if (player.crouching) return false
      openChest(player, block.position)
      return true
    })
  }

  // A chest that is broken or replaced loses its contents; its viewers' windows close.
  dropContentsWhenReplaced(serv, chests, positionKey, (block) => chestIds.has(block.id))

  // Adds count items to storage slots (merging stacks); returns the changed slots.
  function addToStorage (storage, itemData, count) {
    let left = count
    const changed = []
    for (let i = 0; i < SIZE && left > 0; i++) {
      const s = storage.slots[i]
      if (s && s.type === itemData.id && !s.nbt && s.count < s.stackSize) {
        const moved = Math.min(left, s.stackSize - s.count)
        s.count += moved
        left -= moved
        changed.push(i)
      }
    }
    for (let i = 0; i < SIZE && left > 0; i++) {
      if (!storage.slots[i]) {
        const moved = Math.min(left, itemData.stackSize)
        storage.slots[i] = Object.assign(new Item(itemData.id, moved), { slot: i })
        left -= moved
        changed.push(i)
      }
    }
    return { changed, left }
  }

  serv.commands.add({
    base: 'chestput',
    info: 'put items into the chest at x y z',
    usage: '/chestput <x> <y> <z> <item> [count]',
    op: true,
    parse (str, ctx) {
      const parts = str.trim().split(/\s+/)
      if (parts.length < 4 || parts.length > 5) return false
      const pos = parsePosition(parts, ctx.player && ctx.player.position)
      const name = parts[3].replace(/^minecraft:/, '')
      const itemData = registry.itemsByName[name]
      if (!itemData) throw new UserError(`unknown item ${JSON.stringify(parts[3])}`)
      const count = parts.length === 5 ? Number(parts[4]) : 1
      if (!Number.isInteger(count) || count < 1) throw new UserError(`count must be a positive integer, got ${JSON.stringify(parts[4])}`)
      return { pos, itemData, count }
    },
    async action ({ pos, itemData, count }) {
      const storage = await requireChest(pos)
      const trial = storage.slots.map(api.clone)
      const { left } = addToStorage({ slots: trial }, itemData, count)
      if (left > 0) throw new UserError(`chest at ${pos.x} ${pos.y} ${pos.z} has no room for ${count} ${itemData.name}`)
      const { changed } = addToStorage(storage, itemData, count)
      api.broadcastContainer(storage, changed, null)
      return `put ${count} ${itemData.name} in chest at ${pos.x} ${pos.y} ${pos.z}`
    }
  })

  serv.commands.add({
    base: 'chestget',
    info: 'print the contents of the chest at x y z as JSON',
    usage: '/chestget <x> <y> <z>',
    op: true,
    parse (str, ctx) {
      const parts = str.trim().split(/\s+/)
      if (parts.length !== 3) return false
      return { pos: parsePosition(parts, ctx.player && ctx.player.position) }
    },
    async action ({ pos }) {
      const storage = await requireChest(pos)
      const items = []
      storage.slots.forEach((item, slot) => { if (item) items.push({ slot, name: item.name, count: item.count }) })
      return JSON.stringify(items)
    }
  })

  serv.commands.add({
    base: 'chestclear',
    info: 'empty the chest at x y z',
    usage: '/chestclear <x> <y> <z>',
    op: true,
    parse (str, ctx) {
      const parts = str.trim().split(/\s+/)
      if (parts.length !== 3) return false
      return { pos: parsePosition(parts, ctx.player && ctx.player.position) }
    },
    async action ({ pos }) {
      const storage = await requireChest(pos)
      const changed = []
      storage.slots.forEach((item, slot) => { if (item) changed.push(slot) })
      storage.slots.fill(null)
      api.broadcastContainer(storage, changed, null)
      return `emptied chest at ${pos.x} ${pos.y} ${pos.z}`
    }
  })
}

module.exports.player = function (player, serv) {
  attachPlayer(serv, player)
  // A player who leaves with a chest open stops looking in: the lid closes.
  player.on('disconnected', () => setImmediate(() => {
    for (const storage of (serv.ccChests ?? new Map()).values()) {
      if (storage.lid !== undefined && storage.lid !== storage.viewers.size && serv.ccShowLid) serv.ccShowLid(storage)
    }
  }))
}
