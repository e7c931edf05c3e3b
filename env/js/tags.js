'use strict'
// Vanilla item tags from env/data/item_tags.json (the file env/tags.py reads):
// expand('#planks') -> ['oak_planks', ...]; expand('stick') -> ['stick'].

const path = require('path')
const fs = require('fs')

const TAGS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'item_tags.json'), 'utf8')).tags
const cache = new Map()

function expand (name) {
  if (!name.startsWith('#')) return [name]
  if (cache.has(name)) return cache.get(name)
  const tag = name.slice(1)
  if (!(tag in TAGS)) throw new Error(`unknown item tag #${tag} (env/data/item_tags.json)`)
  const out = []
  for (const entry of TAGS[tag]) for (const item of expand(entry)) if (!out.includes(item)) out.push(item)
  cache.set(name, out)
  return out
}

module.exports = { TAGS, expand }
