'use strict'
// Runs the crafting plugin's recipe matcher on known grids and prints the results by name.
const path = require('path')
const registry = require(path.join(__dirname, '..', '..', '..', 'env', 'node_modules', 'prismarine-registry'))('1.19.2')
const { buildRecipeIndex, matchRecipe } = require(path.join(__dirname, '..', '..', '..', 'env', 'server', 'plugins', 'crafting.js'))

const index = buildRecipeIndex(registry)
const id = name => (name ? registry.itemsByName[name].id : null)
const grids = JSON.parse(process.argv[2])
const out = {}
for (const [label, { width, cells }] of Object.entries(grids)) {
  const result = matchRecipe(index, cells.map(id), width)
  out[label] = result ? `${registry.items[result.id].name}:${result.count}` : null
}
console.log(JSON.stringify(out))
