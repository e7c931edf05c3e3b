'use strict'
// A parser for Minecraft's stringified NBT (SNBT) as commands write it, e.g.
//   {Items:[{Slot:0b,id:"minecraft:bread",Count:3b}],CustomName:'"x"'}
// Compounds become objects, lists and typed arrays ([B;1b,2b]) arrays, numbers with a type
// suffix (b s l f d) or none numbers, quoted and bare strings strings, true/false 1b/0b.
// Throws an Error naming the position of the first thing it cannot read.

function parseSnbt (text) {
  let i = 0
  const fail = (what) => { throw new Error(`bad NBT at character ${i + 1}: ${what} in ${JSON.stringify(text)}`) }
  const skip = () => { while (i < text.length && /\s/.test(text[i])) i++ }
  const BARE = /[A-Za-z0-9._+\-]/

  function quoted () {
    const q = text[i++]
    let out = ''
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\') i++
      out += text[i++]
    }
    if (text[i] !== q) fail('unterminated string')
    i++
    return out
  }

  function bare (colon = false) {
    const start = i
    while (i < text.length && (BARE.test(text[i]) || (colon && text[i] === ':'))) i++
    if (i === start) fail('expected a value')
    return text.slice(start, i)
  }

  function scalar (word) {
    const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)([bslfdBSLFD]?)$/.exec(word)
    if (m) return Number(m[1])
    if (word === 'true') return 1
    if (word === 'false') return 0
    return word
  }

  function value () {
    skip()
    const c = text[i]
    if (c === '{') return compound()
    if (c === '[') return list()
    if (c === '"' || c === "'") return quoted()
    return scalar(bare(true))
  }

  function compound () {
    i++
    const out = {}
    skip()
    if (text[i] === '}') { i++; return out }
    for (;;) {
      skip()
      const key = text[i] === '"' || text[i] === "'" ? quoted() : bare()
      skip()
      if (text[i] !== ':') fail(`expected ':' after ${key}`)
      i++
      out[key] = value()
      skip()
      if (text[i] === ',') { i++; continue }
      if (text[i] === '}') { i++; return out }
      fail("expected ',' or '}'")
    }
  }

  function list () {
    i++
    skip()
    if (/[BIL]/.test(text[i]) && text[i + 1] === ';') i += 2
    const out = []
    skip()
    if (text[i] === ']') { i++; return out }
    for (;;) {
      out.push(value())
      skip()
      if (text[i] === ',') { i++; continue }
      if (text[i] === ']') { i++; return out }
      fail("expected ',' or ']'")
    }
  }

  const out = value()
  skip()
  if (i !== text.length) fail('unexpected text after the value')
  return out
}

module.exports = { parseSnbt }
