'use strict'
// Chests (and trapped chests, barrels): real 27-slot storage per block position, shared by
// every player who has it open (each click is sent to the other viewers), shown in a
// generic_9x3 window followed by the player inventory. Replaces flying-squid's chest.js, which
// stores nothing. Replacing the block (/setblock) discards its contents.
// Double chests as vanilla 1.19.2 has them (env/js/chests.js, the rules the simulator reads):
// after any block changes, the chests beside it join or leave a double chest
// (ChestBlock.updateShape); a double chest opens from either half as one generic_9x6 window
// "Large Chest" of 54 slots, the right half's 27 first (CompoundContainer). A chest broken by a
// player hands that half's items to the player, as the project hands a block's drops (what does
// not fit falls at its feet); the other half becomes single and keeps its items.
//
// Commands (op; also from the server console):
//   /chestput x y z item [count]   add items to the chest at x y z (~ for relative coordinates)
//   /chestget x y z                print the contents as JSON [{"slot":0,"name":"bread","count":3}]
//   /chestclear x y z              empty it
//   /data merge block x y z {Items:[{Slot:0b,id:"minecraft:bread",Count:3b}]}
//                                  vanilla: replace the chest's items (the only tag kept here)

const { Vec3 } = require('vec3')
const UserError = require('flying-squid').UserError
const { install, attachPlayer, dropContentsWhenReplaced } = require('./windows_common')
const { parseSnbt } = require('../snbt')
const chestRules = require('../../js/chests')
const { stateIdOf, giveItem } = require('../blockstate')

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

// Adds the op command `/<base> <x> <y> <z>` (also from the console); `action(pos)` answers it
// with its text. Coordinates as parsePosition reads them.
function addPositionCommand (serv, base, info, action) {
  serv.commands.add({
    base,
    info,
    usage: `/${base} <x> <y> <z>`,
    op: true,
    parse (str, ctx) {
      const parts = str.trim().split(/\s+/)
      if (parts.length !== 3) return false
      return { pos: parsePosition(parts, ctx.player && ctx.player.position) }
    },
    action: ({ pos }) => action(pos)
  })
}

module.exports = { parsePosition, positionKey, addPositionCommand, CHEST_BLOCKS }

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
  async function showLid (storage, viewers = null) {
    const open = viewers ?? storage.viewers.size
    if (storage.lid === open) return
    storage.lid = open
    const block = await serv.overworld.getBlock(storage.position)
    if (!block || !chestIds.has(block.type) || block.name === 'barrel') return
    for (const other of serv.players) {
      other._client.write('block_action', { location: storage.position, byte1: 1, byte2: open, blockId: block.type })
    }
  }

  serv.ccShowLid = showLid

  // The block at `pos` as env/js/chests.js reads it, for the cells around `pos` (read ahead).
  async function around (world, pos) {
    const near = new Map()
    for (const [dx, dz] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [2, 0], [-2, 0], [0, 2], [0, -2], [1, 1], [1, -1], [-1, 1], [-1, -1]]) {
      const b = await world.getBlock(pos.offset(dx, 0, dz))
      near.set(`${pos.x + dx},${pos.y},${pos.z + dz}`, b ? { name: b.name, props: b.getProperties() } : { name: 'air', props: {} })
    }
    return p => near.get(p.join(',')) || { name: 'air', props: {} }
  }

  // A double chest's two halves as one container: slots 0-26 the first (right) half's,
  // 27-53 the second's; one object per pair, so that its viewers see each other's clicks.
  const doubles = new Map()
  function compound (first, second) {
    const key = `${positionKey(first.position)}|${positionKey(second.position)}`
    let storage = doubles.get(key)
    if (!storage) {
      const half = i => (i < SIZE ? [first, i] : [second, i - SIZE])
      const slots = new Proxy([], {
        get (target, prop) {
          if (prop === 'length') return 2 * SIZE
          const i = typeof prop === 'string' && /^\d+$/.test(prop) ? Number(prop) : NaN
          if (Number.isInteger(i)) { const [h, j] = half(i); return h.slots[j] }
          return Reflect.get(target, prop)
        },
        set (target, prop, value) {
          const i = Number(prop)
          if (!Number.isInteger(i) || i < 0 || i >= 2 * SIZE) return Reflect.set(target, prop, value)
          const [h, j] = half(i)
          if (value) value.slot = j
          h.slots[j] = value
          return true
        }
      })
      storage = { slots, viewers: new Set(), position: first.position.clone(), halves: [first, second], key }
      doubles.set(key, storage)
    }
    return storage
  }

  // Closes and forgets the double chests that `pos` is half of (it changed).
  function dropDoubles (pos) {
    const k = positionKey(pos)
    for (const [key, storage] of doubles) {
      if (!key.split('|').includes(k)) continue
      for (const viewer of [...storage.viewers]) api.closeWindow(viewer, true)
      doubles.delete(key)
    }
  }

  async function openChest (player, pos) {
    attachPlayer(serv, player)
    const blockAt = await around(player.world, pos)
    const cells = chestRules.halves([pos.x, pos.y, pos.z], blockAt)
    const halves = cells.map(c => storageAt(new Vec3(...c)))
    const storage = halves.length === 2 ? compound(halves[0], halves[1]) : halves[0]
    const lids = () => Promise.all(halves.map(h => showLid(h, storage.viewers.size)))
    api.openWindow(player, {
      key: halves.length === 2 ? chestRules.WINDOW.double : chestRules.WINDOW.single,
      title: halves.length === 2 ? chestRules.WINDOW.double_title : 'Chest',
      size: SIZE * halves.length,
      storage,
      onOpen: lids,
      onClose: () => setImmediate(lids)
    })
  }

  for (const name of CHEST_BLOCKS) {
    serv.onBlockInteraction(name, ({ block, player }) => {
      if (player.crouching) return false
      openChest(player, block.position).catch(err => serv.err?.(`opening a chest: ${err.stack}`))
      return true
    })
  }

  // After any block change, a chest set there takes its shape from its neighbours (as
  // /setblock's updateFromNeighbourShapes: a half with no other half becomes single), and the
  // chests beside it join or leave a double chest (ChestBlock.updateShape); a double chest
  // with a changed half closes its windows. These blocks are set through the server's setBlock
  // as it was before this plugin (not queued behind the change that caused them).
  const innerSetBlock = serv.setBlock
  async function reshapeAround (world, pos) {
    dropDoubles(pos)
    if (world !== serv.overworld) return
    let blockAt = await around(world, pos)
    const own = chestRules.setShape([pos.x, pos.y, pos.z], blockAt)
    if (own) {
      await innerSetBlock(world, pos, stateIdOf(registry, blockAt([pos.x, pos.y, pos.z]).name, own))
      blockAt = await around(world, pos)
    }
    for (const [cell, name, props] of chestRules.shapeUpdates([pos.x, pos.y, pos.z], blockAt)) {
      const at = new Vec3(...cell)
      dropDoubles(at)
      await innerSetBlock(world, at, stateIdOf(registry, name, props))
    }
  }
  serv.setBlock = async (world, position, stateId) => {
    const result = await innerSetBlock(world, position, stateId)
    await reshapeAround(world, new Vec3(position.x, position.y, position.z).floored())
    return result
  }
  serv.ccReshapeChests = reshapeAround

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

  addPositionCommand(serv, 'chestget', 'print the contents of the chest at x y z as JSON', async (pos) => {
    const storage = await requireChest(pos)
    const items = []
    storage.slots.forEach((item, slot) => { if (item) items.push({ slot, name: item.name, count: item.count }) })
    return JSON.stringify(items)
  })

  addPositionCommand(serv, 'chestclear', 'empty the chest at x y z', async (pos) => {
    const storage = await requireChest(pos)
    const changed = []
    storage.slots.forEach((item, slot) => { if (item) changed.push(slot) })
    storage.slots.fill(null)
    api.broadcastContainer(storage, changed, null)
    return `emptied chest at ${pos.x} ${pos.y} ${pos.z}`
  })

  // Vanilla `/data merge block <x> <y> <z> <nbt>` for the tag this server keeps: a chest's
  // Items (a merged list replaces the old one, as in vanilla). Other tags are refused by name.
  serv.commands.add({
    base: 'data',
    info: 'merge NBT into a block entity (a chest\'s Items)',
    usage: '/data merge block <x> <y> <z> <nbt>',
    op: true,
    parse (str, ctx) {
      const m = /^\s*merge\s+block\s+(\S+)\s+(\S+)\s+(\S+)\s+(\{.*\})\s*$/.exec(str)
      if (!m) return false
      const pos = parsePosition([m[1], m[2], m[3]], ctx.player && ctx.player.position)
      let nbt
      try {
        nbt = parseSnbt(m[4])
      } catch (err) {
        throw new UserError(err.message)
      }
      const other = Object.keys(nbt).filter(k => k !== 'Items')
      if (other.length) throw new UserError(`only the Items tag can be merged here, not ${other.join(', ')}`)
      if (!Array.isArray(nbt.Items)) throw new UserError('Items must be a list')
      const slots = new Array(SIZE).fill(null)
      for (const entry of nbt.Items) {
        const slot = Number(entry.Slot)
        const name = String(entry.id || '').replace(/^minecraft:/, '')
        const itemData = registry.itemsByName[name]
        const count = entry.Count === undefined ? 1 : Number(entry.Count)
        if (!Number.isInteger(slot) || slot < 0 || slot >= SIZE) throw new UserError(`Slot must be 0..${SIZE - 1}, got ${entry.Slot}`)
        if (!itemData) throw new UserError(`unknown item ${JSON.stringify(entry.id)}`)
        if (!Number.isInteger(count) || count < 1 || count > itemData.stackSize) {
          throw new UserError(`Count of ${name} must be 1..${itemData.stackSize}, got ${entry.Count}`)
        }
        if (slots[slot]) throw new UserError(`slot ${slot} is given twice`)
        slots[slot] = { itemData, count }
      }
      return { pos, slots }
    },
    async action ({ pos, slots }) {
      const storage = await requireChest(pos)
      const changed = []
      for (let i = 0; i < SIZE; i++) {
        const next = slots[i] ? Object.assign(new Item(slots[i].itemData.id, slots[i].count), { slot: i }) : null
        if (storage.slots[i] || next) changed.push(i)
        storage.slots[i] = next
      }
      api.broadcastContainer(storage, changed, null)
      return `Modified block data of ${pos.x}, ${pos.y}, ${pos.z}`
    }
  })
}

module.exports.player = function (player, serv) {
  attachPlayer(serv, player)
  // A chest the player breaks (flying-squid's digging sets the cell with player.changeBlock,
  // not serv.setBlock): its items go to the player (its loot came first, drops.js), the
  // storage goes, and the chests beside it reshape (the other half becomes single).
  const changeBlock = player.changeBlock
  player.changeBlock = async (position, ...rest) => {
    const pos = new Vec3(position.x, position.y, position.z).floored()
    const key = positionKey(pos)
    const storage = serv.ccChests && serv.ccChests.get(key)
    await changeBlock(position, ...rest)
    if (storage) {
      const now = await player.world.getBlock(pos)
      if (!now || !CHEST_BLOCKS.includes(now.name)) {
        for (const viewer of [...storage.viewers]) serv.ccWindows.closeWindow(viewer, true)
        serv.ccChests.delete(key)
        for (const item of storage.slots) if (item) giveItem(serv, player, item.name, Number(item.count))
      }
    }
    if (serv.ccReshapeChests) await serv.ccReshapeChests(player.world, pos)
  }
  // A player who leaves with a chest open stops looking in: the lid closes.
  player.on('disconnected', () => setImmediate(() => {
    for (const storage of (serv.ccChests ?? new Map()).values()) {
      if (storage.lid !== undefined && storage.lid !== storage.viewers.size && serv.ccShowLid) serv.ccShowLid(storage)
    }
  }))
}
