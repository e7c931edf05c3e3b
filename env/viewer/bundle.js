'use strict'
// prismarine-viewer's browser bundles (public/index.js and public/worker.js of the pinned
// 1.33.0), as the watch page serves them: patched in memory when served, never on disk, so
// a fresh `npm ci` gives the same page. Each patch names what it fixes.
//
// Why: the bundles predate worlds below y = 0 (Minecraft 1.18+; the flat 1.19.2 world has
// its ground at y = -61, the world's floor at y = -64: minecraft-data's overworld
// dimension, min_y -64, height 384). Unpatched, the ground never renders (the page shows sky
// only): the renderer queues sections y 0..255 only, the mesher finds a section by y / 16
// (its column counts sections from min_y), and drops every face whose neighbour lies below
// y = 0. The same three spots are named upstream (PrismarineJS/prismarine-viewer issues
// #250 and #396; pull requests #486 and #488, unmerged at 1.33.0).
//
// And why the page was slow to show anything: the worker bundle is 63 MB (every version's
// minecraft-data) and the page started four of them, each parsing it and meshing all 24
// sections of every column, 23 of them air. One worker, and air sections answered without
// meshing, bring the first frame with ground from about 40 s to a few seconds on a loaded
// 2-core machine.

const fs = require('fs')

const VERSION = '1.33.0'
const FLOOR = -64 // the lowest y of 1.18+ overworlds (and below every older world's 0)
const CEILING = 320

const PATCHES = {
  'index.js': [
    {
      why: 'the renderer queues (and unloads) every section of a column, y -64..319, not 0..255',
      from: 'for(let i=0;i<256;i+=16)',
      to: `for(let i=${FLOOR};i<${CEILING};i+=16)`,
      count: 2
    },
    {
      why: 'the orbit camera takes its first centre wherever it is, not only above y = 0',
      from: 't.y>0&&s&&',
      to: 's&&',
      count: 1
    },
    {
      why: 'one mesher worker, not four: each parses the 63 MB bundle',
      from: 'WorldRenderer:class{constructor(t,e=4){',
      to: 'WorldRenderer:class{constructor(t,e=1){',
      count: 1
    },
    {
      why: "name tags read like the game's: white on a dark box, centred (not black 50 pt squeezed into a square)",
      from: 'r.font="50pt Arial",r.fillStyle="#000000",r.textAlign="left",r.textBaseline="top";const a=t.username;r.fillText(a,100,0);',
      to: 'r.font="bold 52px Arial",r.textAlign="center",r.textBaseline="middle";const a=t.username,w=r.measureText(a).width+24;r.fillStyle="rgba(0,0,0,0.5)",r.fillRect(250-w/2,20,w,60),r.fillStyle="#ffffff",r.fillText(a,250,52);',
      count: 1
    },
    {
      why: "a name tag's sprite keeps its canvas's 5:1 shape",
      from: 'u.position.y+=t.height+.6,',
      to: 'u.scale.set(2.5,.5,1),u.position.y+=t.height+.6,',
      count: 1
    },
    {
      why: 'a frame is drawn only when something in view changed (at least once a second), at most ?fps=N a second (default 30; 10 on a software renderer, where each frame costs a core): ccFrame, below',
      from: '!function t(){window.requestAnimationFrame(t),h&&h.update(),u.update(),l.render(u.scene,u.camera)}()',
      to: '!function t(e){window.requestAnimationFrame(t),globalThis.ccFrame(e,l,u,h)}(performance.now())',
      count: 1
    },
    {
      why: 'pixels drawn per CSS pixel: ?scale=S, else the screen ratio, halved on a software renderer (no GPU: every pixel costs CPU): ccPixelRatio, below',
      from: 'l.setPixelRatio(window.devicePixelRatio||1)',
      to: 'l.setPixelRatio(globalThis.ccPixelRatio(l))',
      count: 1
    },
    {
      why: 'the viewer is window.viewer, so a page or a test can read its camera and meshes',
      from: 'const u=new r(l);',
      to: 'const u=new r(l);window.viewer=u;',
      count: 1
    }
  ],
  'worker.js': [
    {
      why: 'a face whose neighbour is below the world floor is dropped, not one below y = 0 (liquids)',
      from: 'if(g.position.y<0)continue;',
      to: `if(g.position.y<${FLOOR})continue;`,
      count: 1
    },
    {
      why: 'a face whose neighbour is below the world floor is dropped, not one below y = 0 (blocks)',
      from: 'if(n.position.y<0)continue}',
      to: `if(n.position.y<${FLOOR})continue}`,
      count: 1
    },
    {
      why: "a section's index counts from its column's minY (setSectionDirty)",
      from: 'i&&i.sections[Math.floor(a/16)]',
      to: 'i&&i.sections[Math.floor((a-(i.minY||0))/16)]',
      count: 1
    },
    {
      why: "a section's index counts from its column's minY (the meshing loop)",
      from: 'l&&l.sections[Math.floor(n/16)]',
      to: 'l&&l.sections[Math.floor((n-(l.minY||0))/16)]',
      count: 1
    },
    {
      why: 'an air section gets an empty mesh at once (ccSectionGeometry, below), not 4096 block looks',
      from: 'const l=getSectionGeometry(e,n,a,world,blocksStates)',
      to: 'const l=globalThis.ccSectionGeometry(getSectionGeometry,e,n,a,world,blocksStates)',
      count: 1
    }
  ]
}

// Run before the worker bundle. An empty section (prismarine-chunk's isEmpty(): no block
// other than air, a count the chunk keeps on every change) has no faces: every face belongs
// to its own block's section. Its geometry is empty, which also clears an old mesh.
const PRELUDE = {
  'index.js': `globalThis.ccView = { software: null, scale: null, fps: null, drawn: 0, skipped: 0, warmed: false };
// Is the page drawn by a software renderer (no GPU: SwiftShader, llvmpipe)? Then each pixel
// and each frame costs CPU, so the view draws at half its size, 10 frames a second at most.
globalThis.ccSoftware = function (renderer) {
  const view = globalThis.ccView
  if (view.software === null) {
    const gl = renderer.getContext()
    const info = gl.getExtension('WEBGL_debug_renderer_info')
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
    view.software = /swiftshader|llvmpipe|softpipe|software/i.test(name)
  }
  return view.software
};
// Pixels drawn per CSS pixel: ?scale=S, else the screen's, halved on a software renderer.
globalThis.ccPixelRatio = function (renderer) {
  const asked = Number(new URLSearchParams(location.search).get('scale'))
  const screen = window.devicePixelRatio || 1
  globalThis.ccView.scale = asked > 0 ? asked : globalThis.ccSoftware(renderer) ? screen / 2 : screen
  return globalThis.ccView.scale
};
globalThis.ccFrame = (function () {
  const asked = Number(new URLSearchParams(location.search).get('fps'))
  let last = -1e9
  let drawn = -1e9
  let before = []
  // What the camera shows, as numbers: the canvas, the camera, and every object of the
  // scene (which one, shown or not, where, turned how, its geometry and its texture's
  // version: a new chunk mesh, a moved entity, a loaded texture all change it).
  function look (renderer, viewer) {
    const out = [renderer.domElement.width, renderer.domElement.height, viewer.camera.fov, viewer.camera.aspect]
    const add = (o) => {
      const p = o.position
      const q = o.quaternion
      out.push(o.id, o.visible ? 1 : 0, p.x, p.y, p.z, q.x, q.y, q.z, q.w, o.scale.x, o.scale.y)
      if (o.geometry) out.push(o.geometry.id)
      const m = o.material
      if (m && m.map) out.push(m.map.version)
    }
    add(viewer.camera)
    viewer.scene.traverse(add)
    return out
  }
  // Once the blocks' texture is in and before the world's first mesh: one frame with a
  // tiny triangle of the blocks' material and a player with a name tag, so that a software
  // renderer builds their shaders while the page waits for the world, not on the world's
  // first frame (there it held up the page's frames by 100-300 ms).
  let warmed = false
  function warmUp (renderer, viewer) {
    const world = viewer.world
    if (warmed || !world || !world.material || !world.material.map || !world.material.map.image) return
    warmed = true
    if (Object.keys(world.sectionMeshs).length) return // the world is drawn already
    const T = globalThis.THREE
    const g = new T.BufferGeometry()
    const three = (a) => new T.BufferAttribute(new Float32Array(a), 3)
    g.setAttribute('position', three([0, 0, 0, 0.01, 0, 0, 0, 0.01, 0]))
    g.setAttribute('normal', three([0, 0, 1, 0, 0, 1, 0, 0, 1]))
    g.setAttribute('color', three([1, 1, 1, 1, 1, 1, 1, 1, 1]))
    g.setAttribute('uv', new T.BufferAttribute(new Float32Array([0, 0, 0.01, 0, 0, 0.01]), 2))
    g.setIndex([0, 1, 2])
    const mesh = new T.Mesh(g, world.material)
    const ahead = (d) => viewer.camera.position.clone().add(viewer.camera.getWorldDirection(new T.Vector3()).multiplyScalar(d))
    mesh.position.copy(ahead(2))
    viewer.scene.add(mesh)
    const id = 'cc-warm-up'
    const entities = viewer.entities
    try {
      entities.update({ id, name: 'player', username: '-', width: 0.6, height: 1.8 })
      if (entities.entities[id]) entities.entities[id].position.copy(ahead(40))
    } catch (err) { /* no player model: the blocks alone */ }
    renderer.render(viewer.scene, viewer.camera)
    viewer.scene.remove(mesh)
    g.dispose()
    if (entities.entities[id]) entities.update({ id, delete: true })
    globalThis.ccView.warmed = true
  }
  return function (now, renderer, viewer, controls) {
    const view = globalThis.ccView
    if (view.fps === null) view.fps = asked > 0 ? asked : globalThis.ccSoftware(renderer) ? 10 : 30
    if (now - last < 1000 / view.fps - 1) return
    last = now
    if (controls) controls.update()
    viewer.update()
    warmUp(renderer, viewer)
    const seen = look(renderer, viewer)
    const same = seen.length === before.length && seen.every((v, i) => v === before[i])
    before = seen
    if (same && now - drawn < 1000) { view.skipped++; return }
    drawn = now
    view.drawn++
    renderer.render(viewer.scene, viewer.camera)
  }
})();
`,
  'worker.js': `globalThis.ccSectionGeometry = function (mesh, x, y, z, world, states) {
  const column = world.getColumn(x, z)
  const section = column && column.sections[Math.floor((y - (column.minY || 0)) / 16)]
  if (section && typeof section.isEmpty === 'function' && section.isEmpty()) {
    const none = () => new Float32Array(0)
    return { sx: x + 8, sy: y + 8, sz: z + 8, positions: none(), normals: none(), colors: none(), uvs: none(), indices: [] }
  }
  return mesh(x, y, z, world, states)
};
`
}

// The game versions whose data the page's worker needs for a server of `gameVersion`: that
// one and the viewer's own name for it (its getVersion: 1.19.2 is drawn as 1.19).
function servedVersions (gameVersion) {
  const { getVersion } = require('prismarine-viewer/viewer/lib/version')
  return [...new Set([gameVersion, getVersion(gameVersion)].filter(Boolean))]
}

function installedVersion () {
  return require('prismarine-viewer/package.json').version
}

// The end (index of its closing brace) of the object literal that opens at text[open].
function objectEnd (text, open) {
  let depth = 0
  let quote = null
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i
  }
  return -1
}

// The end (index of the closing quote) of the single-quoted string whose text starts at `from`.
function stringEnd (text, from) {
  for (let i = text.indexOf("'", from); i >= 0; i = text.indexOf("'", i + 1)) {
    let slashes = 0
    while (text[i - 1 - slashes] === '\\') slashes++
    if (slashes % 2 === 0) return i
  }
  return -1
}

// The worker bundle without the game data of other versions: it carries minecraft-data for
// every version (pc 0.30c to 1.21 and bedrock, 63 MB), each file a module
// (`e.exports=JSON.parse('...')`) named by getters in one map (`e.exports={pc:{"1.19.2":
// {get blocks(){return n(24642)},...}}}`). A data module that no getter of `versions` names,
// but another version's does, is emptied (`e.exports={}`): the page runs one version, and the
// browser no longer downloads and parses the rest. Versions the bundle asks for by name are
// kept too (its mesher reads the tints of `n(90915)("1.16.2")`). Returns {text, dropped
// (modules), bytes (dropped), versions (kept)}; the text as it was when the map is not found.
function trimData (text, versions) {
  versions = [...new Set([...versions,
    ...[...text.matchAll(/\b\w\(\d+\)\("(\d+\.\d+(?:\.\d+)?)"\)/g)].map(m => m[1])])]
  const at = text.indexOf('e.exports={pc:{')
  const end = at < 0 ? -1 : objectEnd(text, at + 'e.exports='.length)
  if (end < 0) return { text, dropped: 0, bytes: 0, versions }
  const map = text.slice(at, end + 1)
  const keep = new Set()
  const named = new Set()
  const entry = /[{,]("[^"]*"|[\w.]+):\{((?:(?:get \w+\(\)\{return \w+\(\d+\)\}|\w+:"[^"]*"),?)*)\}/g
  for (const [, key, getters] of map.matchAll(entry)) {
    const ids = [...getters.matchAll(/return \w+\((\d+)\)/g)].map(m => m[1])
    for (const id of ids) named.add(id)
    if (versions.includes(key.replace(/"/g, ''))) for (const id of ids) keep.add(id)
  }
  const data = /[{,](\d+):(\w)=>\{"use strict";\2\.exports=JSON\.parse\('/g
  const out = []
  let copied = 0
  let dropped = 0
  let bytes = 0
  for (let m = data.exec(text); m; m = data.exec(text)) {
    const open = m.index + m[0].length
    const close = stringEnd(text, open)
    if (close < 0) break
    data.lastIndex = close
    if (!named.has(m[1]) || keep.has(m[1])) continue
    const from = open - `${m[2]}.exports=JSON.parse('`.length
    out.push(text.slice(copied, from), `${m[2]}.exports={}`)
    copied = close + 2 // past "')"
    dropped++
    bytes += close + 2 - from
  }
  out.push(text.slice(copied))
  return { text: out.join(''), dropped, bytes, versions }
}

// The served text of bundle `name` ('index.js' or 'worker.js') and the patches that did not
// apply as expected (each {why, from, found}); none when the pinned version is installed.
// With `versions` (game versions, e.g. ['1.19.2', '1.19']), the worker bundle keeps only
// their game data (trimData); `trimmed` says how much went.
function patched (name, source = null, versions = null) {
  let text = source ?? fs.readFileSync(require.resolve(`prismarine-viewer/public/${name}`), 'utf8')
  const missing = []
  for (const p of PATCHES[name]) {
    const found = text.split(p.from).length - 1
    if (found !== p.count) missing.push({ why: p.why, from: p.from, found })
    text = text.split(p.from).join(p.to)
  }
  let trimmed = null
  if (versions && name === 'worker.js') {
    trimmed = trimData(text, versions)
    text = trimmed.text
    trimmed = { dropped: trimmed.dropped, bytes: trimmed.bytes, versions: trimmed.versions }
  }
  return { text: (PRELUDE[name] || '') + text, missing, trimmed }
}

module.exports = { PATCHES, PRELUDE, VERSION, FLOOR, CEILING, patched, trimData, servedVersions, installedVersion }
