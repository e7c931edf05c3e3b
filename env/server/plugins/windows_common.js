'use strict'
// Server-side window sessions for Minecraft 1.19.2, shared by crafting.js, furnace.js, chest.js.
//
// It replaces flying-squid's own window_click handler (which ignores 1.19 clicks) with vanilla's
// approach: the server applies each click itself on a copy of the window (prismarine-windows,
// the same code mineflayer runs client-side), treats the client's changedSlots/cursorItem only
// as what the client believes, and sends set_slot for every slot where belief and truth differ
// (or a full window_items when the click's stateId is stale). Other viewers of a shared
// container get the changed container slots too. Every set_slot / window_items the player is
// sent (flying-squid's own included) carries this player's current stateId.
//
// A session describes one open window:
//   { key: 'minecraft:crafting' | 'minecraft:furnace' | 'minecraft:generic_9x3',
//     title: string, size: container slot count (player inventory follows),
//     storage: { slots: Item[], viewers: Set<player> } (shared containers) or a private one,
//     resultSlot?: slot taken by clicking, computed from a grid (crafting),
//     takeResult?(view, click, session), afterClick?(view, session),
//     outputSlots?: Set<number> (take-only slots, e.g. the furnace output),
//     accepts?(slot, item): may item be placed in container slot `slot`,
//     onOpen?(player, session), onClose?(player, session),
//     afterCommit?(player, session): after each click of player's is applied and sent }
// Window 0 (the player inventory with its 2x2 grid) is the session `inventorySession(player)`.

const INVENTORY_SLOTS = 46
const { DESPAWN_MS, GROUND, delayMs } = require('../ground')
const DROP_HEIGHT = GROUND.drop_height // above the feet: eye height 1.62 less 0.3 (vanilla Player.drop)

function install (serv) {
  if (serv.ccWindows) return serv.ccWindows
  const registry = serv.registry
  const Item = require('prismarine-item')(registry)
  const windowsLib = require('prismarine-windows')(registry)

  function clone (item) {
    if (!item) return null
    // Number(): flying-squid's /give stores counts as strings.
    const copy = new Item(item.type, Number(item.count), item.metadata, item.nbt ? JSON.parse(JSON.stringify(item.nbt)) : item.nbt)
    copy.slot = item.slot
    return copy
  }

  function same (a, b) {
    return Item.equal(a ?? null, b ?? null, true, true)
  }

  function notch (item) {
    return Item.toNotch(item ?? null)
  }

  function state (player) {
    if (!player.ccWin) player.ccWin = { stateId: 0, cursor: null, session: null, lastWindowId: 0, inventorySession: null }
    return player.ccWin
  }

  // ---- the inventory window (id 0) ----
  function inventorySession (player) {
    const st = state(player)
    if (!st.inventorySession) {
      st.inventorySession = {
        id: 0,
        key: 'minecraft:inventory',
        title: 'Inventory',
        size: 0,
        storage: null,
        gridWidth: 2
      }
      for (const hook of api.inventoryHooks) hook(player, st.inventorySession)
    }
    return st.inventorySession
  }

  // Slots of the whole window as seen by `player` (clones, safe to mutate).
  function readSlots (player, session) {
    const inv = player.inventory.slots
    if (session.id === 0) return inv.slice(0, INVENTORY_SLOTS).map(clone)
    const out = []
    for (let i = 0; i < session.size; i++) out.push(clone(session.storage.slots[i]))
    for (let i = 9; i < 45; i++) out.push(clone(inv[i]))
    return out
  }

  // Writes the window's slots back to their owners; returns the container slots that changed.
  function writeSlots (player, session, slots) {
    const inv = player.inventory.slots
    const changedContainer = []
    const put = (array, index, item) => {
      if (same(array[index], item)) return false
      if (item) item.slot = index
      array[index] = item
      return true
    }
    if (session.id === 0) {
      for (let i = 0; i < INVENTORY_SLOTS; i++) put(inv, i, slots[i] ?? null)
      return changedContainer
    }
    for (let i = 0; i < session.size; i++) {
      if (put(session.storage.slots, i, slots[i] ?? null)) changedContainer.push(i)
    }
    for (let i = 0; i < 36; i++) put(inv, 9 + i, slots[session.size + i] ?? null)
    return changedContainer
  }

  function makeView (session, slots, cursor) {
    const view = windowsLib.createWindow(session.id, session.key, session.title)
    slots.forEach((item, i) => { view.slots[i] = item ? Object.assign(item, { slot: i }) : null })
    view.selectedItem = cursor
    return view
  }

  // ---- packets ----
  function sendSlot (player, windowId, slot, item) {
    player._client.write('set_slot', { windowId, stateId: ++state(player).stateId, slot, item: notch(item) })
  }

  function sendFull (player, session) {
    const st = state(player)
    player._client.write('window_items', {
      windowId: session.id,
      stateId: ++st.stateId,
      items: readSlots(player, session).map(notch),
      carriedItem: notch(st.cursor)
    })
  }

  // Every set_slot / window_items gets the player's current stateId, and a window-0 change of
  // the player inventory made while a container is open is mirrored into that container window.
  function wrapWrites (player) {
    const client = player._client
    const write = client.write.bind(client)
    client.write = (name, params) => {
      if ((name === 'set_slot' || name === 'window_items') && params && params.stateId === undefined) {
        params = { ...params, stateId: ++state(player).stateId }
        const result = write(name, params)
        const session = state(player).session
        if (name === 'set_slot' && params.windowId === 0 && session && params.slot >= 9 && params.slot < 45) {
          write('set_slot', { windowId: session.id, stateId: ++state(player).stateId, slot: session.size + params.slot - 9, item: params.item })
        }
        return result
      }
      return write(name, params)
    }
  }

  // ---- clicks ----
  class Reject extends Error {}

  // Take-only slots (crafting result is handled by session.takeResult): the furnace output.
  function takeOnly (view, click) {
    const item = view.slots[click.slot]
    if (!item) return
    if (click.mode === 0) {
      const cursor = view.selectedItem
      if (!cursor) {
        view.selectedItem = item
        view.slots[click.slot] = null
      } else if (cursor.type === item.type && same({ ...cursor, count: 0 }, { ...item, count: 0 })) {
        const moved = Math.min(item.count, cursor.stackSize - cursor.count)
        cursor.count += moved
        item.count -= moved
        if (item.count === 0) view.slots[click.slot] = null
      }
    } else if (click.mode === 1) {
      const left = addToRange(view, item, view.inventoryStart, view.inventoryEnd, true)
      if (left === 0) view.slots[click.slot] = null
      else item.count = left
    } else if (click.mode === 2) {
      const hotbar = view.hotbarStart + click.mouseButton
      if (view.slots[hotbar]) throw new Reject('hotbar slot occupied')
      view.slots[hotbar] = item
      item.slot = hotbar
      view.slots[click.slot] = null
    } else {
      throw new Reject('unsupported click on an output slot')
    }
  }

  // Vanilla's moveItemStackTo: merge into stacks, then fill empty slots; reverse = from the end.
  // Mutates view.slots; returns how many items did not fit.
  function addToRange (view, item, start, end, reverse) {
    let count = item.count
    const order = []
    for (let i = start; i < end; i++) order.push(i)
    if (reverse) order.reverse()
    for (const i of order) {
      const s = view.slots[i]
      if (count > 0 && s && s.type === item.type && JSON.stringify(s.nbt) === JSON.stringify(item.nbt) && s.count < s.stackSize) {
        const moved = Math.min(count, s.stackSize - s.count)
        s.count += moved
        count -= moved
      }
    }
    for (const i of order) {
      if (count > 0 && !view.slots[i]) {
        const moved = Math.min(count, item.stackSize)
        const placed = clone(item)
        placed.count = moved
        placed.slot = i
        view.slots[i] = placed
        count -= moved
      }
    }
    return count
  }

  // Applies the click to view; returns the items it throws out of the window.
  function applyClick (session, view, click) {
    const { slot, mode } = click
    const thrown = []
    if (slot !== -999 && (slot < 0 || slot >= view.slots.length)) throw new Reject(`slot ${slot} out of range`)
    if (mode === 5 || mode === 6) throw new Reject('drag and double click are not supported')
    if (session.resultSlot !== undefined && slot === session.resultSlot) {
      session.takeResult(view, click, session)
    } else if (session.outputSlots && session.outputSlots.has(slot)) {
      takeOnly(view, click)
    } else {
      const before = view.slots.map(clone)
      const button = click.mouseButton
      if (slot === -999 && mode === 0 && view.selectedItem) {
        thrown.push(Object.assign(clone(view.selectedItem), { count: button === 0 ? view.selectedItem.count : 1 }))
      } else if (slot !== -999 && mode === 4 && !view.selectedItem && view.slots[slot]) {
        thrown.push(Object.assign(clone(view.slots[slot]), { count: button === 0 ? 1 : view.slots[slot].count }))
      }
      view.acceptClick({ slot, mouseButton: click.mouseButton, mode, item: slot === -999 ? null : view.slots[slot] }, player0GameMode(click))
      if (session.accepts) {
        for (let i = 0; i < session.size; i++) {
          if (!same(before[i], view.slots[i]) && view.slots[i] && !session.accepts(i, view.slots[i])) {
            throw new Reject(`item not accepted in slot ${i}`)
          }
        }
      }
    }
    if (session.afterClick) session.afterClick(view, session)
    return thrown
  }

  // Items thrown out of a window fly from the player's eyes where they look, like vanilla's,
  // and can be picked up after 2 s (by anyone, the thrower included).
  function throwItems (player, items) {
    const yaw = (player.yaw ?? 0) * Math.PI / 180
    const pitch = (player.pitch ?? 0) * Math.PI / 180
    const { Vec3 } = require('vec3')
    for (const item of items) {
      if (!item || item.count <= 0) continue
      const velocity = new Vec3(-Math.sin(yaw) * Math.cos(pitch) * 3, -Math.sin(pitch) * 3 + 2, Math.cos(yaw) * Math.cos(pitch) * 3)
      serv.spawnObject(registry.entitiesByName.item.id, player.world, player.position.offset(0, 1.3, 0), {
        velocity, itemId: item.type, itemCount: item.count, pickupTime: delayMs('player_drop'), deathTime: DESPAWN_MS
      })
    }
  }

  function player0GameMode (click) { return click.gameMode ?? 0 }

  function handleClick (player, packet) {
    const st = state(player)
    const session = packet.windowId === 0 ? inventorySession(player) : st.session
    if (!session || session.id !== packet.windowId) return // a click on a window that is not open
    const before = readSlots(player, session)
    const beforeCursor = clone(st.cursor)
    let view = makeView(session, readSlots(player, session), clone(st.cursor))
    let thrown = []
    try {
      thrown = applyClick(session, view, { ...packet, gameMode: player.gameMode })
    } catch (err) {
      if (!(err instanceof Reject) && !(err && err.code === 'ERR_ASSERTION')) {
        serv.err?.(`window click failed: ${err.stack}`)
      }
      view = makeView(session, before.map(clone), clone(beforeCursor))
    }
    const after = view.slots.map(s => s ?? null)
    st.cursor = view.selectedItem ?? null
    if (st.cursor && st.cursor.count <= 0) st.cursor = null
    for (let i = 0; i < after.length; i++) if (after[i] && after[i].count <= 0) after[i] = null
    const changedContainer = writeSlots(player, session, after)

    // What the client believes now.
    const belief = before.slice()
    for (const change of packet.changedSlots ?? []) {
      if (change.location >= 0 && change.location < belief.length) belief[change.location] = Item.fromNotch(change.item)
    }
    const beliefCursor = Item.fromNotch(packet.cursorItem)
    const resultSlot = session.resultSlot
    const gridClick = resultSlot !== undefined && packet.slot >= 0 && packet.slot <= (session.gridSlots ?? 0)
    if (packet.stateId !== st.stateId) {
      sendFull(player, session)
    } else {
      for (let i = 0; i < after.length; i++) {
        if (i === resultSlot) continue
        if (!same(belief[i], after[i])) sendSlot(player, session.id, i, after[i])
      }
      if (!same(beliefCursor, st.cursor)) sendSlot(player, -1, -1, st.cursor)
      // mineflayer waits for the result slot after every click on a crafting grid (vanilla resends it).
      if (resultSlot !== undefined && (gridClick || !same(belief[resultSlot], after[resultSlot]))) {
        sendSlot(player, session.id, resultSlot, after[resultSlot])
      }
    }
    if (session.storage && changedContainer.length) broadcastContainer(session.storage, changedContainer, player)
    if (session.afterCommit) session.afterCommit(player, session)
    if (thrown.length) throwItems(player, thrown)
  }

  // Sends the given container slots to every viewer of `storage` except `except`.
  function broadcastContainer (storage, slots, except) {
    for (const viewer of storage.viewers ?? []) {
      if (viewer === except) continue
      const session = state(viewer).session
      if (!session || session.storage !== storage) continue
      for (const i of slots) sendSlot(viewer, session.id, i, storage.slots[i])
    }
  }

  // ---- giving items ----
  // Adds `count` of item type `type` to the player's inventory (hotbar first, then main),
  // merging stacks; returns how many did not fit.
  function giveToInventory (player, type, count, nbt) {
    const inv = player.inventory
    const order = []
    for (let i = 36; i < 45; i++) order.push(i)
    for (let i = 9; i < 36; i++) order.push(i)
    let left = count
    for (const i of order) {
      const s = inv.slots[i]
      if (left > 0 && s && s.type === type && JSON.stringify(s.nbt ?? null) === JSON.stringify(nbt ?? null) && s.count < s.stackSize) {
        const moved = Math.min(left, s.stackSize - s.count)
        inv.updateSlot(i, new Item(type, s.count + moved, s.metadata, s.nbt))
        left -= moved
      }
    }
    for (const i of order) {
      if (left > 0 && !inv.slots[i]) {
        const item = new Item(type, 1, undefined, nbt)
        const moved = Math.min(left, item.stackSize)
        item.count = moved
        inv.updateSlot(i, item)
        left -= moved
      }
    }
    return left
  }

  // ---- opening and closing ----
  function openWindow (player, spec) {
    const st = state(player)
    if (st.session) closeWindow(player, true)
    st.lastWindowId = st.lastWindowId % 100 + 1
    const session = { ...spec, id: st.lastWindowId }
    st.session = session
    if (session.storage && session.storage.viewers) session.storage.viewers.add(player)
    player._client.write('open_window', {
      windowId: session.id,
      inventoryType: windowsLib.windows[session.key].type,
      windowTitle: JSON.stringify({ text: session.title })
    })
    sendFull(player, session)
    if (session.onOpen) session.onOpen(player, session)
    return session
  }

  // Closes the player's open container (or, for id 0, the inventory screen): the cursor and
  // anything left on a private crafting grid go back to the inventory.
  function closeWindow (player, sendPacket = false) {
    const st = state(player)
    const session = st.session
    st.session = null
    if (session) {
      if (session.storage && session.storage.viewers) session.storage.viewers.delete(player)
      if (session.onClose) session.onClose(player, session)
      if (sendPacket) player._client.write('close_window', { windowId: session.id })
    } else {
      const inv = inventorySession(player)
      if (inv.onClose) inv.onClose(player, inv)
    }
    if (st.cursor) {
      const cursor = st.cursor
      st.cursor = null
      returnToPlayer(player, cursor.type, cursor.count, cursor.nbt)
    }
  }

  // Vanilla's AbstractContainerMenu.dropOrPlaceInInventory: what a closing window gives back
  // (the cursor, a crafting grid) goes into the inventory, what does not fit drops at the
  // player's feet; a player who has disconnected (or died) gets it all dropped there instead.
  function returnToPlayer (player, type, count, nbt) {
    const gone = state(player).disconnected || !(player.health > 0)
    const left = gone ? count : giveToInventory(player, type, count, nbt)
    if (left > 0) dropAtFeet(player, type, left)
  }

  // Vanilla's Player.drop: the item starts 0.3 below the eyes (1.62 - 0.3 above the feet) and
  // falls; one started level with the feet falls through the floor in flying-squid's physics.
  function dropAtFeet (player, type, count) {
    const { Vec3 } = require('vec3')
    serv.spawnObject(registry.entitiesByName.item.id, player.world, player.position.offset(0, DROP_HEIGHT, 0), {
      velocity: new Vec3(0, 0, 0), itemId: type, itemCount: count, pickupTime: delayMs('player_drop'), deathTime: DESPAWN_MS
    })
  }

  // A player who disconnects closes its windows as vanilla's Player.remove does (the open
  // container, then the inventory window): the carried item and what lies on a crafting grid
  // drop where it stood; they are not in the inventory the server keeps for its return. Runs
  // once, before that inventory is saved, whichever 'disconnected' listener comes first.
  function releaseOnDisconnect (player) {
    const st = state(player)
    if (st.disconnected) return
    st.disconnected = true
    if (st.session) closeWindow(player) // the open container, with the cursor
    closeWindow(player) // then the inventory window: its 2x2 grid (and a cursor left there)
  }

  function playerHook (player) {
    state(player)
    wrapWrites(player)
    // inventory.js's player hook runs after this one and registers its own window_click
    // listener (it passes 1.19 clicks to acceptClick unchanged); remove it once it exists.
    setImmediate(() => {
      for (const listener of player._client.listeners('window_click')) {
        if (String(listener).includes('player.inventory.acceptClick')) player._client.removeListener('window_click', listener)
      }
      player._client.on('window_click', packet => {
        try {
          handleClick(player, packet)
        } catch (err) {
          serv.err?.(`window click: ${err.stack}`)
        }
      })
    })
    player._client.on('close_window', ({ windowId }) => {
      const st = state(player)
      if (windowId === 0 || (st.session && st.session.id === windowId)) closeWindow(player)
    })
    player.on('disconnected', () => releaseOnDisconnect(player))
  }

  const api = {
    Item,
    windowsLib,
    clone,
    same,
    state,
    Reject,
    openWindow,
    closeWindow,
    sendSlot,
    sendFull,
    broadcastContainer,
    giveToInventory,
    returnToPlayer,
    releaseOnDisconnect,
    throwItems,
    addToRange,
    inventorySession,
    inventoryHooks: [],
    handleClick,
    playerHook,
    hookedPlayers: new WeakSet()
  }
  serv.ccWindows = api
  return api
}

// Installs the per-player part once per player, whichever plugin asks first.
function attachPlayer (serv, player) {
  const api = install(serv)
  if (api.hookedPlayers.has(player)) return api
  api.hookedPlayers.add(player)
  api.playerHook(player)
  return api
}

/**
 * Containers kept per position (`store`: Map key -> {viewers, ...}) lose their contents when
 * their block is broken or replaced by something that is not one of `keeps(block, entry)`: the
 * viewers' windows close and the entry goes.
 */
function dropContentsWhenReplaced (serv, store, keyOf, keeps) {
  const api = install(serv)
  const setBlock = serv.setBlock
  serv.setBlock = async (world, position, stateId) => {
    const result = await setBlock(world, position, stateId)
    const key = keyOf(position)
    const entry = store.get(key)
    if (entry && world === serv.overworld) {
      const block = serv.registry.blocksByStateId[stateId]
      if (!block || !keeps(block, entry)) {
        for (const viewer of entry.viewers) api.closeWindow(viewer, true)
        store.delete(key)
      }
    }
    return result
  }
}

module.exports = { install, attachPlayer, dropContentsWhenReplaced, INVENTORY_SLOTS }
module.exports.server = function (serv) { install(serv) }
module.exports.player = function (player, serv) { attachPlayer(serv, player) }
