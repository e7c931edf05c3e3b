'use strict'
// Opens the watch page of a Minecraft-backed run in headless Chromium and checks its 3D pane:
// 1. the free camera: the ground (sections below y = 0) is meshed and the agents are in the
//    scene: a screenshot of the pane;
// 2. "follow AGENT": the camera sits at the chase offset from a player and moves with it;
//    once the ground is in, a screenshot of the pane (follow camera).
// Prints one JSON line: {ok, groundMs, groundSections, entities, freeCamera: {turned, drawn,
// view}, follow: {samples, moved, offsetError}, shots}. The viewer is read through window.viewer (env/viewer/bundle.js).
// Usage: node world.js URL FREE.png FOLLOW.png [--agent agent1] [--follow-s 12] [--timeout S]
//        [--entities N] (wait for the ground and at least N entities; default 1)
//        [--page PAGE.png] (the whole page, last)
const path = require('path')
const { chromium } = require(path.join(__dirname, '..', '..', '..', 'env', 'node_modules', 'playwright-core'))
const { CHROMIUM_ARGS } = require('./chromium')

// The follow camera's place from the agent's feet: env/viewer/viewer.js's CHASE (7 back,
// 5 up, minus the eye height 1.62 it sends) plus the viewer's own eye height, 1.6.
const CHASE = { x: 0, y: 5 - 1.62 + 1.6, z: 7 }

function viewerReady () {
  const v = window.viewer
  return !!(v && v.camera)
}

// The ground meshed and at least `entities` entities in the scene (they come one by one, as
// the viewer's bot sees each player spawn).
function groundShown (entities) {
  const v = window.viewer
  return Object.entries(v.world.sectionMeshs).some(([key, mesh]) =>
    Number(key.split(',')[1]) < 0 && mesh.geometry.attributes.position.count > 0) &&
    Object.keys(v.entities.entities).length >= Math.max(1, entities)
}

function groundState () {
  const v = window.viewer
  const below = Object.entries(v.world.sectionMeshs).filter(([key, mesh]) =>
    Number(key.split(',')[1]) < 0 && mesh.geometry.attributes.position.count > 0)
  return { groundSections: below.length, entities: Object.keys(v.entities.entities).length }
}

function cameraAndPlayers () {
  const v = window.viewer
  const c = v.camera.position
  return {
    camera: [c.x, c.y, c.z],
    players: Object.values(v.entities.entities).map(m => [m.position.x, m.position.y, m.position.z])
  }
}

// The camera and how the view draws (env/viewer/bundle.js's ccView: software renderer or
// not, its scale and frame cap, frames drawn and skipped as unchanged).
function cameraView () {
  const c = window.viewer.camera.position
  return { camera: [c.x, c.y, c.z], view: { ...window.ccView } }
}

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])

// From camera samples: per sample, how far the camera is from where the chase camera of the
// nearest player would be (tweens and the 100 ms update lag a little); the median of that
// once the camera has reached its agent (offsetError), and how far it went from there (moved).
function follow (samples) {
  const errs = samples.map(s => s.players.length ? Math.min(...s.players.map(p =>
    dist(s.camera, [p[0] + CHASE.x, p[1] + CHASE.y, p[2] + CHASE.z]))) : Infinity)
  const first = errs.findIndex(e => e < 1.5)
  if (first < 0) return { held: 0, moved: 0, offsetError: null }
  const held = samples.slice(first)
  let moved = 0
  for (const s of held) moved = Math.max(moved, dist(s.camera, held[0].camera))
  const sorted = errs.slice(first).sort((a, b) => a - b)
  return { held: held.length, moved, offsetError: sorted[Math.floor(sorted.length / 2)] }
}

async function viewerFrame (page, follow, timeout) {
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    const frame = page.frames().find(f => f !== page.mainFrame() && f.url().startsWith('http') &&
      (follow ? f.url().includes(`follow=${follow}`) : !f.url().includes('follow=')))
    if (frame) {
      try {
        if (await frame.evaluate(viewerReady)) return frame
      } catch (err) { /* navigating */ }
    }
    await page.waitForTimeout(250)
  }
  throw new Error(`no 3D view${follow ? ' following ' + follow : ''} within ${timeout / 1000} s`)
}

async function main () {
  const [url, freeShot, followShot, ...rest] = process.argv.slice(2)
  const opt = (name, dflt) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : dflt }
  const timeout = 1000 * Number(opt('--timeout', 180))
  const agent = opt('--agent', 'agent1')
  const followS = Number(opt('--follow-s', 12))
  const entities = Number(opt('--entities', 1))
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 })
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } })
    const errors = []
    page.on('pageerror', e => errors.push(String(e)))
    const t0 = Date.now()
    await page.goto(url, { timeout: 30000 })
    await page.waitForSelector('#world:not([hidden])', { timeout })
    await page.waitForFunction((a) => [...document.querySelectorAll('#follow option')].some(o => o.value === a), agent, { timeout })

    // The free camera, over the agents.
    let frame = await viewerFrame(page, null, timeout)
    await frame.waitForFunction(groundShown, entities, { timeout, polling: 250 })
    const groundMs = Date.now() - t0
    await page.waitForTimeout(1000)
    const ground = await frame.evaluate(groundState)
    await page.locator('#world').screenshot({ path: freeShot })
    // The free camera turns with the mouse, and the view, which draws only on a change,
    // draws it.
    const still = await frame.evaluate(cameraView)
    const box = await page.locator('#viewer').boundingBox()
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2]
    await page.mouse.move(cx, cy)
    await page.mouse.down()
    await page.mouse.move(cx + 150, cy + 40, { steps: 10 })
    await page.mouse.up()
    await page.waitForTimeout(1000)
    const turned = await frame.evaluate(cameraView)
    const freeCamera = {
      turned: dist(still.camera, turned.camera),
      drawn: turned.view.drawn - still.view.drawn,
      view: turned.view
    }
    // Then follow the agent.
    await page.selectOption('#follow', agent)
    frame = await viewerFrame(page, agent, timeout)
    // Samples every 250 ms, for --follow-s at most: until the camera, once behind a player,
    // has gone 2 blocks with it.
    const samples = []
    const followEnd = Date.now() + 1000 * followS
    while (Date.now() < followEnd) {
      samples.push(await frame.evaluate(cameraAndPlayers))
      const { moved } = follow(samples)
      if (moved >= 2 && samples.length >= 8) break
      await page.waitForTimeout(250)
    }
    await frame.waitForFunction(groundShown, entities, { timeout, polling: 250 })
    await page.waitForTimeout(1000) // a few frames with the meshes in
    await page.locator('#world').screenshot({ path: followShot })

    const pageShot = opt('--page', null)
    if (pageShot) await page.screenshot({ path: pageShot })

    const { held, moved, offsetError } = follow(samples)
    console.log(JSON.stringify({
      ok: errors.length === 0,
      errors,
      groundMs,
      ...ground,
      freeCamera,
      follow: { agent, samples: samples.length, held, moved, offsetError },
      shots: [freeShot, followShot]
    }))
  } finally {
    await browser.close()
  }
}

main().catch(err => { console.log(JSON.stringify({ ok: false, error: String(err && err.stack || err) })); process.exit(1) })
