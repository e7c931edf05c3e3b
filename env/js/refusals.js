'use strict'
// Why an action is refused: typed codes with their human text, from env/data/refusals.json
// (the same file env/refusals.py reads). Throw `refused(code, params)`; callers compare
// `err.code`, never the message.

const path = require('path')
const fs = require('fs')

const TEMPLATES = Object.fromEntries(Object.entries(
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'refusals.json'), 'utf8')))
  .filter(([k]) => !k.startsWith('_')))

const CODES = Object.freeze(Object.fromEntries(Object.keys(TEMPLATES).map(k => [k.toUpperCase(), k])))

function show (value) {
  if (Array.isArray(value)) return '(' + value.map(show).join(', ') + ')'
  return String(value)
}

// The text of `code` with every {name} filled from params (a missing field stays as written).
function render (code, params = {}) {
  const template = TEMPLATES[code] ?? code
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in params ? show(params[name]) : m))
}

class Refused extends Error {
  constructor (code, params = {}) {
    if (!(code in TEMPLATES)) throw new Error(`unknown refusal code ${code}`)
    super(render(code, params))
    this.code = code
    this.params = params
  }
}

function refused (code, params = {}) {
  return new Refused(code, params)
}

module.exports = { CODES, TEMPLATES, render, Refused, refused }
