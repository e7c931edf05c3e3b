'use strict'
// The furnace's rules from env/data/smelting.json (the file env/rulebook.py reads), item tags
// expanded as the game does: smelting() -> { cookTicks, recipes: {input: output},
// fuels: {item: burn ticks} }. A later fuel entry overrides an earlier one; never_fuel items
// (crimson and warped wood) are never fuel. Throws naming the file and the bad entry.

const path = require('path')
const fs = require('fs')
const { expand } = require('./tags')

const SMELTING_FILE = path.join(__dirname, '..', 'data', 'smelting.json')
let cached = null

function loadSmelting (file = SMELTING_FILE) {
  const data = JSON.parse(fs.readFileSync(file, 'utf8'))
  const cookTicks = data.cook_ticks
  if (!Number.isInteger(cookTicks) || cookTicks <= 0) throw new Error(`${file}: cook_ticks must be a positive integer`)
  const recipes = {}
  for (const [source, output] of Object.entries(data.recipes ?? {})) {
    for (const item of expand(source)) recipes[item] = output
  }
  const never = new Set(expand(data.never_fuel ?? '#non_flammable_wood'))
  const fuels = {}
  for (const [source, ticks] of data.fuel_ticks ?? []) {
    if (!Number.isInteger(ticks) || ticks <= 0) throw new Error(`${file}: fuel ${source} must burn a positive number of ticks`)
    for (const item of expand(source)) if (!never.has(item)) fuels[item] = ticks
  }
  return { cookTicks, recipes, fuels }
}

function smelting () {
  if (!cached) cached = loadSmelting()
  return cached
}

module.exports = { SMELTING_FILE, loadSmelting, smelting }
