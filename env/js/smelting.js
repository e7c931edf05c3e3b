'use strict'
// The smelting rules from env/data/smelting.json (the file env/rulebook.py reads), item tags
// expanded as the game does: smelting() -> { cookTicks, recipes: {input: output}, fuels: {item:
// burn ticks in a furnace}, stations: {furnace|smoker|blast_furnace: { recipeType, cookTicks,
// burnDivisor, recipes: {input: output} }} }. cookTicks and recipes are the furnace's; a smoker
// cooks food only and a blast furnace ores and metal gear, each in 100 ticks, a fuel burning
// there its ticks // burnDivisor (stationFuelTicks). A later fuel entry overrides an earlier
// one; never_fuel items (crimson and warped wood) are never fuel. Throws naming the file and
// the bad entry.

const path = require('path')
const fs = require('fs')
const { expand } = require('./tags')

const SMELTING_FILE = path.join(__dirname, '..', 'data', 'smelting.json')
let cached = null

function loadSmelting (file = SMELTING_FILE) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'))
  const recipes = {}
  for (const [source, output] of Object.entries(data.recipes ?? {})) {
    for (const item of expand(source)) recipes[item] = output
  }
  const stations = {}
  for (const [name, st] of Object.entries(data.stations ?? {})) {
    for (const key of ['cook_ticks', 'burn_divisor']) {
      if (!Number.isInteger(st[key]) || st[key] <= 0) throw new Error(`${file}: ${name} ${key} must be a positive integer`)
    }
    const inputs = st.inputs ? st.inputs.flatMap(expand) : Object.keys(recipes)
    const own = {}
    for (const input of inputs) {
      if (!(input in recipes)) throw new Error(`${file}: ${name} input ${input} is no furnace recipe`)
      own[input] = recipes[input]
    }
    stations[name] = { recipeType: st.recipe_type, cookTicks: st.cook_ticks, burnDivisor: st.burn_divisor, recipes: own }
  }
  if (!stations.furnace) throw new Error(`${file}: no furnace among the stations`)
  const never = new Set(expand(data.never_fuel ?? '#non_flammable_wood'))
  const fuels = {}
  for (const [source, ticks] of data.fuel_ticks ?? []) {
    if (!Number.isInteger(ticks) || ticks <= 0) throw new Error(`${file}: fuel ${source} must burn a positive number of ticks`)
    for (const item of expand(source)) if (!never.has(item)) fuels[item] = ticks
  }
  return { cookTicks: stations.furnace.cookTicks, recipes, fuels, stations }
}

// Ticks one `item` burns in `station` (its furnace ticks // the station's burnDivisor, as
// SmokerBlockEntity/BlastFurnaceBlockEntity.getBurnDuration); 0 if it is no fuel.
function stationFuelTicks (table, station, item) {
  const ticks = table.fuels[item] ?? 0
  return Math.floor(ticks / table.stations[station].burnDivisor)
}

function smelting () {
  if (!cached) cached = loadSmelting()
  return cached
}

module.exports = { SMELTING_FILE, loadSmelting, smelting, stationFuelTicks }
