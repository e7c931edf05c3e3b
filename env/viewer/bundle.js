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
      why: 'at most FPS frames a second (?fps=N in the address, default 30): without a GPU each frame costs a core',
      from: '!function t(){window.requestAnimationFrame(t),h&&h.update(),u.update(),l.render(u.scene,u.camera)}()',
      to: '!function t(e){window.requestAnimationFrame(t);const i=1e3/(Number(new URLSearchParams(location.search).get("fps"))||30);if(e-(t.last||-1e9)<i-1)return;t.last=e,h&&h.update(),u.update(),l.render(u.scene,u.camera)}(performance.now())',
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

function installedVersion () {
  return require('prismarine-viewer/package.json').version
}

// The served text of bundle `name` ('index.js' or 'worker.js') and the patches that did not
// apply as expected (each {why, from, found}); none when the pinned version is installed.
function patched (name, source = null) {
  let text = source ?? fs.readFileSync(require.resolve(`prismarine-viewer/public/${name}`), 'utf8')
  const missing = []
  for (const p of PATCHES[name]) {
    const found = text.split(p.from).length - 1
    if (found !== p.count) missing.push({ why: p.why, from: p.from, found })
    text = text.split(p.from).join(p.to)
  }
  return { text: (PRELUDE[name] || '') + text, missing }
}

module.exports = { PATCHES, PRELUDE, VERSION, FLOOR, CEILING, patched, installedVersion }
