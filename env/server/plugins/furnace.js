'use strict'
// Furnaces, smokers and blast furnaces: per-position state (input, fuel, output slots; fuel and
// cook progress) shared by every viewer, ticking at the server's 20 ticks per second like
// vanilla's AbstractFurnaceBlockEntity, with each station's recipes, cook ticks and fuel burn
// divisor from env/data/smelting.json (the rulebook reads the same file): a smoker cooks food
// only and a blast furnace ores and metal gear, each in 100 ticks, burning a fuel item half as
// long as a furnace (SmokerBlockEntity/BlastFurnaceBlockEntity.getBurnDuration). The window is
// vanilla's (minecraft:furnace, minecraft:smoker, minecraft:blast_furnace): slots 0 input, 1 fuel (fuels only), 2 output
// (take only), then the player inventory; properties 0 fuel left, 1 fuel total, 2 cook
// progress, 3 cook total (ticks). The block's `lit` state follows the fire.
//
// Commands (op; also from the server console):
//   /furnaceput x y z input|fuel item [count]   fill the input or fuel slot (of any station)
//   /furnaceget x y z   print {"input":..,"fuel":..,"output":..,"burn":..,"cook":..} as JSON

const UserError = require('flying-squid').UserError
const { install, attachPlayer, dropContentsWhenReplaced } = require('./windows_common')
const { parsePosition, positionKey, addPositionCommand } = require('./chest')
const { SMELTING_FILE, loadSmelting: readSmelting } = require('../../js/smelting')


// The smelting table as Maps: { cookTicks, recipes: Map(input -> output), fuels: Map(item ->
// burn ticks in a furnace), stations: Map(block name -> { recipeType, cookTicks, burnDivisor,
// recipes: Map(input -> output) }) }, from env/js/smelting.js (tags expanded).
function loadSmelting (file = SMELTING_FILE) {
  const { cookTicks, recipes, fuels, stations } = readSmelting(file)
  const own = new Map(Object.entries(stations).map(([name, st]) =>
    [name, { ...st, recipes: new Map(Object.entries(st.recipes)) }]))
  return { cookTicks, recipes: new Map(Object.entries(recipes)), fuels: new Map(Object.entries(fuels)), stations: own }
}

const TITLES = { furnace: 'Furnace', smoker: 'Smoker', blast_furnace: 'Blast Furnace' }

// Ticks after a furnace window opens on which its viewer is sent all its data slots again.
const RESEND_TICKS = [1, 4, 10, 20]

module.exports = { loadSmelting, RESEND_TICKS }

module.exports.server = function (serv) {
  const api = install(serv)
  const { Item } = api
  const registry = serv.registry
  const Block = require('prismarine-block')(registry)
  const table = loadSmelting()
  for (const [input, output] of table.recipes) {
    if (!registry.itemsByName[input]) throw new Error(`${SMELTING_FILE}: unknown input item ${input}`)
    if (!registry.itemsByName[output]) throw new Error(`${SMELTING_FILE}: unknown output item ${output}`)
  }
  // block id -> station name (furnace, smoker, blast_furnace)
  const stationOf = new Map([...table.stations.keys()].map(name => {
    if (!registry.blocksByName[name]) throw new Error(`${SMELTING_FILE}: unknown station block ${name}`)
    return [registry.blocksByName[name].id, name]
  }))
  const bucket = registry.itemsByName.bucket.id
  const furnaces = new Map()
  serv.ccFurnaces = furnaces

  // Whether `item` may go in a fuel slot (vanilla's AbstractFurnaceBlockEntity.isFuel).
  const isFuel = item => (item ? (table.fuels.get(item.name) ?? 0) > 0 : false)
  // Ticks one `item` burns in station storage `f` (vanilla's getBurnDuration).
  const fuelTicks = (f, item) => (item ? Math.floor((table.fuels.get(item.name) ?? 0) / table.stations.get(f.station).burnDivisor) : 0)
  // What station storage `f` makes of `item`: a recipe of its own recipe type only.
  const smeltResult = (f, item) => (item ? table.stations.get(f.station).recipes.get(item.name) : undefined)

  // The state of the station `station` at `pos` (a new one where another kind of station stood).
  function storageAt (pos, station) {
    const key = positionKey(pos)
    let f = furnaces.get(key)
    if (!f || f.station !== station) {
      const cookTotal = table.stations.get(station).cookTicks
      f = { station, slots: [null, null, null], viewers: new Set(), position: pos.clone(), burn: 0, burnTotal: 0, cook: 0, cookTotal, remote: new Map(), opened: new Map() }
      furnaces.set(key, f)
    }
    return f
  }

  function canSmelt (f) {
    const out = smeltResult(f, f.slots[0])
    if (!out) return false
    const current = f.slots[2]
    if (!current) return true
    return current.name === out && current.count < current.stackSize
  }

  // The window's data slots (vanilla's ContainerData: 0 fire left, 1 fire total, 2 cook
  // progress, 3 cook total, in ticks), as vanilla's AbstractContainerMenu sends them: all of
  // them right after the window's items, then each one whenever it differs from what that
  // viewer was last sent (vanilla's remoteDataSlots, one per viewer). A viewer whose window has
  // just opened gets all of them again on the ticks of RESEND_TICKS after the open: a client
  // that starts listening only once its window is open (mineflayer's openFurnace) hears the
  // fire a lit furnace has left, not just the ticks counting down. One resend on the next tick
  // is not enough: on a loaded machine the client can read it in the same network read as the
  // window's items, before its listener is on; a stalled client can read all the resends in one
  // read, so each click in the window is followed by all data slots too (`afterCommit`).
  // `f.remote`: Map(viewer -> values last sent); `f.opened`: Map(viewer -> ticks since its
  // window opened, while under the last resend).
  function sendProperties (f, viewer) {
    const session = api.state(viewer).session
    if (!session || session.storage !== f) return
    const values = [f.burn, f.burnTotal, f.cook, f.cookTotal]
    if (f.opened.has(viewer)) {
      const ticks = f.opened.get(viewer) + 1
      if (RESEND_TICKS.includes(ticks)) f.remote.delete(viewer)
      if (ticks >= Math.max(...RESEND_TICKS)) f.opened.delete(viewer)
      else f.opened.set(viewer, ticks)
    }
    const last = f.remote.get(viewer)
    // Fire total before fire left: a client works out the fire's share from both.
    for (const property of [1, 0, 3, 2]) {
      if (last && last[property] === values[property]) continue
      viewer._client.write('craft_progress_bar', { windowId: session.id, property, value: values[property] })
    }
    f.remote.set(viewer, values)
  }

  async function setLit (f, lit) {
    const block = await serv.overworld.getBlock(f.position)
    if (!block || stationOf.get(block.type) !== f.station) return
    const props = block.getProperties()
    if (props.lit === lit) return
    const next = Block.fromProperties(f.station, { ...props, lit }, block.biome?.id ?? 0)
    await serv.setBlock(serv.overworld, f.position, next.stateId)
  }

  // One furnace tick, as vanilla's AbstractFurnaceBlockEntity.serverTick; returns changed slots.
  function tick (f) {
    const changed = []
    const wasLit = f.burn > 0
    if (f.burn > 0) f.burn--
    const hasFuel = !!f.slots[1]
    const hasInput = !!f.slots[0]
    if (f.burn > 0 || (hasFuel && hasInput)) {
      const smeltable = canSmelt(f)
      if (f.burn === 0 && smeltable) {
        const ticks = fuelTicks(f, f.slots[1])
        if (ticks > 0) {
          f.burn = f.burnTotal = ticks
          const fuel = f.slots[1]
          fuel.count -= 1
          if (fuel.count === 0) f.slots[1] = fuel.name === 'lava_bucket' ? Object.assign(new Item(bucket, 1), { slot: 1 }) : null
          changed.push(1)
        }
      }
      if (f.burn > 0 && smeltable) {
        f.cook++
        if (f.cook >= f.cookTotal) {
          f.cook = 0
          const outName = smeltResult(f, f.slots[0])
          const input = f.slots[0]
          input.count -= 1
          if (input.count === 0) f.slots[0] = null
          if (f.slots[2]) f.slots[2].count += 1
          else f.slots[2] = Object.assign(new Item(registry.itemsByName[outName].id, 1), { slot: 2 })
          changed.push(0, 2)
        }
      } else {
        f.cook = 0
      }
    } else if (f.burn === 0 && f.cook > 0) {
      f.cook = Math.max(0, f.cook - 2)
    }
    const isLit = f.burn > 0
    if (wasLit !== isLit) setLit(f, isLit).catch(err => serv.err?.(`furnace lit state: ${err.stack}`))
    return changed
  }

  serv.on('tick', () => {
    for (const f of furnaces.values()) {
      if (f.burn > 0 || f.cook > 0 || (f.slots[0] && f.slots[1])) {
        const changed = tick(f)
        if (changed.length) api.broadcastContainer(f, [...new Set(changed)], null)
      }
      for (const viewer of f.viewers) sendProperties(f, viewer)
    }
  })

  function openFurnace (player, pos, station) {
    attachPlayer(serv, player)
    const storage = storageAt(pos, station)
    api.openWindow(player, {
      key: `minecraft:${station}`,
      title: TITLES[station] ?? station,
      size: 3,
      storage,
      outputSlots: new Set([2]),
      accepts: (slot, item) => slot !== 1 || isFuel(item) || item.type === bucket,
      onOpen: (viewer) => {
        storage.remote.delete(viewer)
        storage.opened.delete(viewer)
        sendProperties(storage, viewer)
        storage.opened.set(viewer, 0) // all of them again on the ticks of RESEND_TICKS
      },
      // A viewer that clicks in the window is listening: it is sent all data slots again on
      // the next tick, as a resend it may have read before its listener was on is lost.
      afterCommit: (viewer) => storage.remote.delete(viewer),
      onClose: (viewer) => { storage.remote.delete(viewer); storage.opened.delete(viewer) }
    })
  }

  for (const station of table.stations.keys()) {
    serv.onBlockInteraction(station, ({ block, player }) => {
      if (player.crouching) return false
      openFurnace(player, block.position, station)
      return true
    })
  }

  // A station that is broken or replaced (by another kind of station too) loses its contents;
  // its viewers' windows close.
  dropContentsWhenReplaced(serv, furnaces, positionKey, (block, f) => stationOf.get(block.id) === f.station)

  async function requireFurnace (pos) {
    const block = await serv.overworld.getBlock(pos)
    const station = block && stationOf.get(block.type)
    if (!station) {
      throw new UserError(`no furnace, smoker or blast furnace at ${pos.x} ${pos.y} ${pos.z} (found ${block ? block.name : 'nothing'})`)
    }
    return storageAt(pos, station)
  }

  serv.commands.add({
    base: 'furnaceput',
    info: 'fill the input or fuel slot of the furnace at x y z',
    usage: '/furnaceput <x> <y> <z> input|fuel <item> [count]',
    op: true,
    parse (str, ctx) {
      const parts = str.trim().split(/\s+/)
      if (parts.length < 5 || parts.length > 6) return false
      const pos = parsePosition(parts, ctx.player && ctx.player.position)
      const slot = { input: 0, fuel: 1 }[parts[3]]
      if (slot === undefined) throw new UserError(`slot must be input or fuel, got ${JSON.stringify(parts[3])}`)
      const itemData = registry.itemsByName[parts[4].replace(/^minecraft:/, '')]
      if (!itemData) throw new UserError(`unknown item ${JSON.stringify(parts[4])}`)
      if (slot === 1 && !table.fuels.has(itemData.name)) throw new UserError(`${itemData.name} is not a fuel`)
      const count = parts.length === 6 ? Number(parts[5]) : 1
      if (!Number.isInteger(count) || count < 1) throw new UserError(`count must be a positive integer, got ${JSON.stringify(parts[5])}`)
      return { pos, slot, itemData, count }
    },
    async action ({ pos, slot, itemData, count }) {
      const f = await requireFurnace(pos)
      const current = f.slots[slot]
      if (current && current.type !== itemData.id) throw new UserError(`${f.station} ${['input', 'fuel'][slot]} already holds ${current.name}`)
      const total = (current ? current.count : 0) + count
      if (total > itemData.stackSize) throw new UserError(`a stack of ${itemData.name} holds at most ${itemData.stackSize}`)
      f.slots[slot] = Object.assign(new Item(itemData.id, total), { slot })
      api.broadcastContainer(f, [slot], null)
      return `put ${count} ${itemData.name} in ${f.station} ${['input', 'fuel'][slot]} at ${pos.x} ${pos.y} ${pos.z}`
    }
  })

  addPositionCommand(serv, 'furnaceget', 'print the state of the furnace at x y z as JSON', async (pos) => {
    const f = await requireFurnace(pos)
    const slot = item => (item ? { name: item.name, count: item.count } : null)
    return JSON.stringify({ input: slot(f.slots[0]), fuel: slot(f.slots[1]), output: slot(f.slots[2]), burn: f.burn, cook: f.cook })
  })
}

module.exports.player = function (player, serv) { attachPlayer(serv, player) }
