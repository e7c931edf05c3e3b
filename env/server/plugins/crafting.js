'use strict'
// Crafting: the 2x2 grid of the player inventory (window 0, slots 1-4, result 0) and the
// crafting table window (slots 1-9, result 0), with shaped (and mirrored) and shapeless
// recipes of env/data/recipes.json, item tags included as in vanilla (2 oak + 2 spruce planks
// make a crafting table). The result slot is recomputed after every click and resent after
// every click on the grid or the result (mineflayer waits for it); taking the result consumes
// one item from each grid slot, leaving containers (milk bucket -> bucket).

const fs = require('fs')
const path = require('path')
const { install, attachPlayer } = require('./windows_common')
const { expand } = require('../../js/tags')

// Vanilla's crafting remainders for items that have one.
const REMAINDERS = {
  milk_bucket: 'bucket',
  water_bucket: 'bucket',
  lava_bucket: 'bucket',
  powder_snow_bucket: 'bucket',
  honey_bottle: 'glass_bottle',
  dragon_breath: 'glass_bottle'
}

const RECIPES_FILE = path.join(__dirname, '..', '..', 'data', 'recipes.json')

// The crafting recipes with their item tags (env/data/recipes.json, which the rulebook reads
// too): a cell is an item, a '#tag' or a list of items, any of which fits, as in vanilla.
function loadRecipes (file = RECIPES_FILE) {
  return JSON.parse(fs.readFileSync(file, 'utf8')).recipes
}

// Builds the recipe index: shaped recipes by "height,width" (mirrored variants included),
// shapeless ones by ingredient count; every cell is null or a Set of the item ids it accepts.
function buildRecipeIndex (registry, recipes = loadRecipes()) {
  const shaped = new Map()
  const shapeless = new Map()
  const ids = cell => {
    if (cell === null || cell === undefined) return null
    const names = Array.isArray(cell) ? cell : expand(cell)
    const set = new Set()
    for (const name of names) {
      const item = registry.itemsByName[name]
      if (!item) throw new Error(`${RECIPES_FILE}: unknown item ${name}`)
      set.add(item.id)
    }
    return set
  }
  for (const recipe of recipes) {
    const item = registry.itemsByName[recipe.result]
    if (!item) throw new Error(`${RECIPES_FILE}: unknown result ${recipe.result}`)
    const result = { id: item.id, count: recipe.count ?? 1 }
    if (recipe.shape) {
      const h = recipe.shape.length
      const w = Math.max(...recipe.shape.map(row => row.length))
      const cells = []
      for (const row of recipe.shape) for (let x = 0; x < w; x++) cells.push(ids(row[x]))
      const mirrored = []
      for (let y = 0; y < h; y++) for (let x = w - 1; x >= 0; x--) mirrored.push(cells[y * w + x])
      const key = `${h},${w}`
      if (!shaped.has(key)) shaped.set(key, [])
      shaped.get(key).push({ cells, mirrored, result })
    } else {
      const ingredients = recipe.ingredients.map(ids)
      const key = ingredients.length
      if (!shapeless.has(key)) shapeless.set(key, [])
      shapeless.get(key).push({ ingredients, result })
    }
  }
  return { shaped, shapeless }
}

// Whether the items `present` (ids) can be matched one to one with the `ingredients` (Sets).
function fillsAll (ingredients, present) {
  const used = new Array(present.length).fill(false)
  const place = (k) => {
    if (k === ingredients.length) return true
    for (let i = 0; i < present.length; i++) {
      if (used[i] || !ingredients[k].has(present[i])) continue
      used[i] = true
      if (place(k + 1)) return true
      used[i] = false
    }
    return false
  }
  return place(0)
}

// grid: item type ids (or null) of a width x width grid, row by row from the top.
// Returns { id, count } of the crafted result, or null.
function matchRecipe (index, grid, width) {
  let minX = width
  let minY = width
  let maxX = -1
  let maxY = -1
  const present = []
  for (let i = 0; i < grid.length; i++) {
    if (grid[i] == null) continue
    const x = i % width
    const y = Math.floor(i / width)
    minX = Math.min(minX, x)
    maxX = Math.max(maxX, x)
    minY = Math.min(minY, y)
    maxY = Math.max(maxY, y)
    present.push(grid[i])
  }
  if (present.length === 0) return null
  const h = maxY - minY + 1
  const w = maxX - minX + 1
  const cells = []
  for (let y = minY; y <= maxY; y++) for (let x = minX; x <= maxX; x++) cells.push(grid[y * width + x] ?? null)
  const fits = (pattern) => pattern.every((accepts, i) => (accepts === null ? cells[i] === null : cells[i] !== null && accepts.has(cells[i])))
  for (const recipe of index.shaped.get(`${h},${w}`) ?? []) {
    if (fits(recipe.cells) || fits(recipe.mirrored)) return recipe.result
  }
  for (const recipe of index.shapeless.get(present.length) ?? []) {
    if (fillsAll(recipe.ingredients, present)) return recipe.result
  }
  return null
}

module.exports = { buildRecipeIndex, matchRecipe, loadRecipes, REMAINDERS }

module.exports.server = function (serv) {
  const api = install(serv)
  const { Item, Reject, clone, addToRange } = api
  const registry = serv.registry
  const index = buildRecipeIndex(registry)
  const remainders = new Map(Object.entries(REMAINDERS).map(([k, v]) => [registry.itemsByName[k].id, registry.itemsByName[v].id]))

  function recompute (view, session) {
    const grid = []
    for (let i = 1; i <= session.gridSlots; i++) grid.push(view.slots[i] ? view.slots[i].type : null)
    const result = matchRecipe(index, grid, session.gridWidth)
    view.slots[0] = result ? Object.assign(new Item(result.id, result.count), { slot: 0 }) : null
  }

  function consume (view, session) {
    for (let i = 1; i <= session.gridSlots; i++) {
      const item = view.slots[i]
      if (!item) continue
      item.count -= 1
      if (item.count <= 0) {
        const rest = remainders.get(item.type)
        view.slots[i] = rest !== undefined ? Object.assign(new Item(rest, 1), { slot: i }) : null
      }
    }
    recompute(view, session)
  }

  function roomFor (view, item) {
    let room = 0
    for (let i = view.inventoryStart; i < view.inventoryEnd; i++) {
      const s = view.slots[i]
      if (!s) room += item.stackSize
      else if (s.type === item.type && JSON.stringify(s.nbt) === JSON.stringify(item.nbt)) room += s.stackSize - s.count
    }
    return room
  }

  function takeResult (view, click, session) {
    recompute(view, session)
    const result = view.slots[0]
    if (!result) return
    if (click.mode === 0) {
      const cursor = view.selectedItem
      if (!cursor) view.selectedItem = clone(result)
      else if (cursor.type === result.type && cursor.count + result.count <= cursor.stackSize) cursor.count += result.count
      else return
      consume(view, session)
    } else if (click.mode === 1) {
      // Shift-click crafts as many times as the grid and the inventory allow.
      for (let n = 0; n < 64 && view.slots[0]; n++) {
        const r = view.slots[0]
        if (roomFor(view, r) < r.count) break
        addToRange(view, r, view.inventoryStart, view.inventoryEnd, true)
        consume(view, session)
      }
    } else if (click.mode === 2) {
      const hotbar = view.hotbarStart + click.mouseButton
      if (view.slots[hotbar]) throw new Reject('hotbar slot occupied')
      view.slots[hotbar] = Object.assign(clone(result), { slot: hotbar })
      consume(view, session)
    } else {
      throw new Reject('unsupported click on the crafting result')
    }
  }

  function returnGrid (player, slots, from, to) {
    for (let i = from; i <= to; i++) {
      const item = slots[i]
      if (item) api.returnToPlayer(player, item.type, item.count, item.nbt)
    }
  }

  const craftingHooks = {
    resultSlot: 0,
    takeResult,
    afterClick: recompute
  }

  // The 2x2 grid of the inventory window.
  api.inventoryHooks.push((player, session) => {
    Object.assign(session, craftingHooks, {
      gridWidth: 2,
      gridSlots: 4,
      onClose (player) {
        const inv = player.inventory
        const items = inv.slots.slice(0, 5)
        for (let i = 0; i <= 4; i++) if (inv.slots[i]) inv.updateSlot(i, null)
        returnGrid(player, items, 1, 4)
      }
    })
  })

  function openTable (player) {
    api.openWindow(player, {
      key: 'minecraft:crafting',
      title: 'Crafting',
      size: 10,
      storage: { slots: new Array(10).fill(null), viewers: null },
      gridWidth: 3,
      gridSlots: 9,
      ...craftingHooks,
      onClose (player, session) {
        const items = session.storage.slots.slice()
        session.storage.slots.fill(null)
        returnGrid(player, items, 1, 9)
      }
    })
  }

  serv.onBlockInteraction('crafting_table', ({ player }) => {
    if (player.crouching) return false
    attachPlayer(serv, player)
    openTable(player)
    return true
  })
}

module.exports.player = function (player, serv) { attachPlayer(serv, player) }
