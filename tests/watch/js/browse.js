'use strict'
// Opens the watch page in headless Chromium (Debian's, driven by playwright-core), waits until
// the plan shows a done node and the score has moved, saves a screenshot, and prints one JSON
// line: {ok, doneNodes, scores, refusals, latency: [...seconds], shot}.
// Usage: node browse.js URL SCREENSHOT.png [--timeout S] [--until-finished] [--world SHOT.png]
const path = require('path')
const { chromium } = require(path.join(__dirname, '..', '..', '..', 'env', 'node_modules', 'playwright-core'))

const { CHROMIUM_ARGS } = require('./chromium')

async function main () {
  const [url, shot, ...rest] = process.argv.slice(2)
  const opt = (name, dflt) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : dflt }
  const timeout = 1000 * Number(opt('--timeout', 120))
  const untilFinished = rest.includes('--until-finished')
  const worldShot = opt('--world', null)
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 })
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } })
    const errors = []
    page.on('pageerror', e => errors.push(String(e)))
    await page.goto(url, { timeout: 30000 })
    await page.waitForFunction(() => window.cc && document.body.dataset.doneNodes > 0 &&
      document.body.dataset.scoreMoved === '1', null, { timeout, polling: 200 })
    if (untilFinished) {
      await page.waitForFunction(() => window.cc.finished, null, { timeout, polling: 200 })
      // The end and the last progress are separate messages: give the last one a moment to
      // paint before reading the page (what it shows then is what the test checks).
      await page.waitForFunction(() => document.body.dataset.doneNodes === document.body.dataset.nodes,
        null, { timeout: 15000, polling: 100 }).catch(() => {})
    }
    if (worldShot) {
      await page.waitForTimeout(Number(opt('--world-wait', 8)) * 1000)
      await page.locator('#world').screenshot({ path: worldShot })
    }
    await page.screenshot({ path: shot })
    const stats = await page.evaluate(() => ({
      doneNodes: +document.body.dataset.doneNodes,
      scores: window.cc.scores.map(s => s.score),
      refusals: window.cc.refusals,
      latency: window.cc.latency,
      latencyParts: window.cc.latencyParts,
      finished: window.cc.finished,
      prunedClearance: window.cc.prunedClearance(),
      graphOverflow: window.cc.graphOverflow ? window.cc.graphOverflow() : null,
      viewer: !!window.cc.viewer,
      opened: performance.timeOrigin / 1000
    }))
    console.log(JSON.stringify({ ok: errors.length === 0, errors, shot, ...stats }))
  } finally {
    await browser.close()
  }
}

main().catch(err => { console.log(JSON.stringify({ ok: false, error: String(err && err.stack || err) })); process.exit(1) })
