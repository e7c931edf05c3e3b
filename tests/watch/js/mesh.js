'use strict'
// Runs prismarine-viewer's browser mesher (public/worker.js) in a Node worker thread, as the
// page runs it, patched (env/viewer/bundle.js) or as published, on one column of the flat
// 1.19.2 world: bedrock at y -64, dirt at -63 and -62, grass at -61, air above.
// Prints one JSON line: {patched: {...}, original: {...}, missing: [...]}, each with the
// vertex count of every section meshed ("x,y,z": vertices) and the sections finished unmeshed.
// Usage: node mesh.js [--original-too]
const fs = require('fs')
const os = require('os')
const path = require('path')
const { Worker } = require('worker_threads')

const ENV = path.join(__dirname, '..', '..', '..', 'env')
const req = (name) => require(path.join(ENV, 'node_modules', name))
const { patched, servedVersions } = require(path.join(ENV, 'viewer', 'bundle.js'))
const { Vec3 } = req('vec3')
const Chunk = req('prismarine-chunk')('1.19.2')
const registry = req('minecraft-data')('1.19.2')

// The viewer's own version and block states for 1.19.2 (its getVersion maps 1.19.x to 1.19).
const VIEWER_VERSION = '1.19'
const STATES = JSON.parse(fs.readFileSync(require.resolve(path.join(ENV, 'node_modules', 'prismarine-viewer', 'public', 'blocksStates', `${VIEWER_VERSION}.json`))))

function flatColumn () {
  const column = new Chunk({ minY: -64, worldHeight: 384 })
  const layers = { '-64': 'bedrock', '-63': 'dirt', '-62': 'dirt', '-61': 'grass_block' }
  for (const [y, name] of Object.entries(layers)) {
    const state = registry.blocksByName[name].defaultState
    for (let x = 0; x < 16; x++) for (let z = 0; z < 16; z++) column.setBlockStateId(new Vec3(x, Number(y), z), state)
  }
  return column.toJson()
}

function mesh (code) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-mesh-')), 'worker.js')
  fs.writeFileSync(file, code)
  return new Promise((resolve, reject) => {
    const worker = new Worker(file)
    const out = { meshed: {}, unmeshed: [] }
    const sections = []
    for (let y = -64; y < 320; y += 16) sections.push(`0,${y},0`)
    const done = () => {
      worker.terminate()
      fs.rmSync(path.dirname(file), { recursive: true, force: true })
      resolve(out)
    }
    worker.on('message', (m) => {
      if (m.type === 'geometry') out.meshed[m.key] = m.geometry.positions.length / 3
      if (m.type === 'sectionFinished' && !(m.key in out.meshed)) out.unmeshed.push(m.key)
      if (sections.every(k => k in out.meshed || out.unmeshed.includes(k))) done()
    })
    worker.on('error', reject)
    worker.postMessage({ type: 'version', version: VIEWER_VERSION })
    worker.postMessage({ type: 'blockStates', json: STATES })
    worker.postMessage({ type: 'chunk', x: 0, z: 0, chunk: flatColumn() })
    for (const key of sections) {
      const [x, y, z] = key.split(',').map(Number)
      worker.postMessage({ type: 'dirty', x, y, z, value: true })
    }
  })
}

async function main () {
  // As the page gets it: patched, with the game data of 1.19.2 only.
  const { text, missing, trimmed } = patched('worker.js', null, servedVersions('1.19.2'))
  const result = { missing: [...patched('index.js').missing, ...missing], trimmed, size: text.length, patched: await mesh(text) }
  if (process.argv.includes('--original-too')) {
    result.original = await mesh(fs.readFileSync(require.resolve(path.join(ENV, 'node_modules', 'prismarine-viewer', 'public', 'worker.js')), 'utf8'))
  }
  console.log(JSON.stringify(result))
}

main().catch(err => { console.log(JSON.stringify({ error: String(err && err.stack || err) })); process.exit(1) })
