// The watch page: folds the server-sent updates (plan, progress, score, event, state, info)
// into the view. Nothing is polled: every change arrives on /events.
'use strict'

const $ = (id) => document.getElementById(id)
const cc = {
  helloCount: null, // updates already sent before this page connected (catch-up)
  latency: [], // live updates: seconds from the bus message's sending to the painted frame
  latencyParts: [], // the same, split: [bus, page server, to the browser, handling, to the frame]
  scores: [],
  status: {},
  agents: {},
  refusals: 0,
  finished: false
}
window.cc = cc
// How far (px) each pruned edge's middle lies from the nearest kept edge's straight line:
// a pruned edge drawn over a kept one would read as kept.
cc.prunedClearance = () => cy.edges('.pruned').map(p => {
  const m = p.midpoint()
  const off = cy.edges().not('.pruned').map(k => {
    const a = k.source().position(); const b = k.target().position()
    const dx = b.x - a.x; const dy = b.y - a.y
    const t = Math.max(0, Math.min(1, ((m.x - a.x) * dx + (m.y - a.y) * dy) / (dx * dx + dy * dy || 1)))
    return Math.hypot(m.x - a.x - t * dx, m.y - a.y - t * dy)
  })
  return Math.min(Infinity, ...off)
})
// Whenever the graph's pane changes size (the window, the 3D pane appearing, the lines
// below it growing), the graph is fitted to it again, labels included.
new ResizeObserver(() => { cy.resize(); cy.fit(undefined, 45) }).observe($('graph'))
// How many px the graph's drawing (labels included) runs past its pane's bottom or right.
cc.graphOverflow = () => {
  const box = cy.elements().renderedBoundingBox({ includeLabels: true })
  return Math.max(0, box.y2 - $('graph').clientHeight, box.x2 - $('graph').clientWidth)
}

const cy = cytoscape({
  container: $('graph'),
  style: [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'text-wrap': 'wrap', 'text-valign': 'bottom', width: 18, height: 18, 'background-color': '#bbb', 'border-width': 1, 'border-color': '#555' } },
    { selector: 'node.ready', style: { 'background-color': '#e8c547' } },
    { selector: 'node.working', style: { 'background-color': '#3b82f6', width: 24, height: 24 } },
    { selector: 'node.done', style: { 'background-color': '#2a9d4a' } },
    { selector: 'node.failed', style: { 'background-color': '#d33' } },
    { selector: 'edge', style: { width: 1.5, 'line-color': '#555', 'target-arrow-color': '#555', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8 } },
    // bowed, so a pruned edge never lies on a kept one that runs along the same straight line
    { selector: 'edge.pruned', style: { 'line-style': 'dashed', 'line-color': '#aaa', 'target-arrow-color': '#aaa', 'curve-style': 'unbundled-bezier', 'control-point-distances': 28, 'control-point-weights': 0.5 } },
    { selector: 'edge.repaired', style: { 'line-color': '#e67e22', 'target-arrow-color': '#e67e22', width: 3 } }
  ],
  layout: { name: 'grid' },
  wheelSensitivity: 0.3
})

cy.on('mouseover', 'edge', (ev) => {
  const d = ev.target.data()
  const verdict = d.kept ? 'kept' : 'pruned'
  const ate = d.ate === null || d.ate === undefined ? 'not tested' : d.ate.toFixed(3)
  const rules = (d.rules || []).slice(0, 6).join(', ')
  $('tip').textContent = `${d.source} → ${d.target}: ${verdict}, ATE ${ate}` +
    (d.origin === 'repair' ? ' (repaired)' : '') + (rules ? ` · rules: ${rules}` : '')
  const p = ev.renderedPosition
  Object.assign($('tip').style, { left: `${p.x + 12}px`, top: `${p.y + 30}px` })
  $('tip').hidden = false
})
cy.on('mouseout', 'edge', () => { $('tip').hidden = true })

function showInfo (info) {
  if (info.task) $('title').textContent = `${info.task}${info.episode ? ' · episode ' + info.episode : ''}${info.speed ? ' · replay ×' + info.speed : ''}`
  if (info.minecraft) {
    $('join').textContent = `join with Minecraft Java 1.19.2: Multiplayer → Direct Connection → ${info.minecraft} (spectator)`
  }
  // ?world=0 leaves the 3D view out (without a GPU each of its frames costs CPU).
  if (new URLSearchParams(location.search).get('world') === '0') return
  if ((info.world || info.viewer) && $('world').hidden) {
    $('world').hidden = false
    // Until the viewer is up, a page of the viewer's site: the browser starts the 3D
    // view's process while the world is built, not when the episode's updates begin.
    if (!info.viewer) $('viewer').src = ownSite(new URL('world.html', location.href).href)
  }
  if (info.viewer && !cc.viewer) {
    cc.viewer = ownSite(info.viewer)
    $('viewer').src = viewerSrc($('follow').value)
  }
}

// The 3D view is shown from another site (localhost beside 127.0.0.1, the same machine), so
// the browser runs it in a process of its own: its rendering never holds up this page's
// updates. (A site is a scheme and a host: the port does not count.)
function ownSite (url) {
  const u = new URL(url)
  if (u.hostname === location.hostname) {
    if (u.hostname === '127.0.0.1') u.hostname = 'localhost'
    else if (u.hostname === 'localhost') u.hostname = '127.0.0.1'
  }
  return u.href
}

// The 3D view's address: its camera (follow an agent, or free) and, passed on from this
// page's address, its frame cap (?fps=N; without a GPU each frame costs CPU).
function viewerSrc (agent) {
  const q = new URLSearchParams()
  if (agent) q.set('follow', agent)
  for (const name of ['fps', 'scale']) {
    const value = new URLSearchParams(location.search).get(name)
    if (value) q.set(name, value)
  }
  return cc.viewer + (q.toString() ? `?${q}` : '')
}

$('follow').addEventListener('change', () => {
  if (cc.viewer) $('viewer').src = viewerSrc($('follow').value)
})

function showPlan (plan) {
  cc.plan = plan
  showInfo({ task: `${plan.task} · ${plan.backend} · planner ${plan.planner} · ${plan.agents.length} agents` })
  const sel = $('follow')
  for (const a of plan.agents) {
    if (![...sel.options].some(o => o.value === a)) sel.add(new Option(`follow ${a}`, a))
  }
  if (plan.minecraft && !$('join').textContent) showInfo({ minecraft: plan.minecraft })
  // In one batch: the graph's style is worked out once, not per element.
  cy.batch(() => {
    cy.elements().remove()
    cy.add(plan.nodes.map(n => ({ group: 'nodes', data: { id: n.id, label: n.id } })))
    cy.add(plan.edges.map(e => ({
      group: 'edges',
      data: { id: `${e.source}->${e.target}`, ...e },
      classes: (e.kept ? '' : 'pruned') + (e.origin === 'repair' ? ' repaired' : '')
    })))
  })
  // Laid out by the kept edges only: a pruned edge does not push its target down a rank.
  cy.elements().not('edge.pruned').layout({ name: 'breadthfirst', directed: true, spacingFactor: 1.1, padding: 20 }).run()
  cy.fit(undefined, 45)
  showLines()
}

function showProgress (p) {
  cc.status = p.status
  cc.progress = p
  cy.batch(() => {
    for (const [sid, st] of Object.entries(p.status)) {
      const node = cy.getElementById(sid)
      if (!node.length) continue
      node.classes(st)
      const who = p.holders[sid]
      node.data('label', who && who.length ? `${sid}\n[${who.join(', ')}]` : sid)
    }
    for (const [u, v, ate] of p.repaired || []) {
      const id = `${u}->${v}`
      const edge = cy.getElementById(id)
      if (edge.length) edge.addClass('repaired')
      else cy.add({ group: 'edges', data: { id, source: u, target: v, kept: true, ate, origin: 'repair', rules: [] }, classes: 'repaired' })
    }
  })
  document.body.dataset.doneNodes = Object.values(p.status).filter(s => s === 'done').length
  document.body.dataset.nodes = Object.keys(p.status).length
  showLines()
}

function showLines () {
  if (!cc.plan) return
  const busy = (cc.progress && cc.progress.busy) || []
  const status = cc.status || {}
  $('lines').innerHTML = ''
  cc.plan.lines.forEach((line, k) => {
    const row = document.createElement('div')
    row.className = 'line'
    const b = busy[k] || 0
    row.innerHTML = `<span>line ${k + 1}</span><span class="busy" title="busy rate ${b.toFixed(2)}"><b style="width:${Math.min(100, b * 100)}%"></b></span><span>${b.toFixed(2)}</span>`
    for (const sid of line) {
      const s = document.createElement('span')
      s.className = `sub ${status[sid] || ''}`
      s.textContent = sid
      row.appendChild(s)
    }
    $('lines').appendChild(row)
  })
}

function showScore (s) {
  const last = cc.scores[cc.scores.length - 1]
  cc.scores.push(s)
  if (last && last.score !== s.score) cc.scoreMoved = true
  document.body.dataset.scoreMoved = cc.scoreMoved ? '1' : '0'
  $('scoreValue').textContent = s.score.toFixed(1)
  $('completion').textContent = `completion ${(100 * s.completion).toFixed(1)} % · ${s.actions} actions, ${s.failed_actions} refused or failed`
  $('details').textContent = Object.entries(s.details || {}).map(([k, v]) => `${k} ${(+v).toFixed(3)}`).join(' · ')
  const ratio = s.makespan_s > 0 ? (s.lower_bound_s / s.makespan_s).toFixed(2) : '–'
  $('makespan').textContent = `makespan so far ${s.makespan_s.toFixed(1)} s · lower bound of the work so far ${s.lower_bound_s.toFixed(1)} s (LB/makespan ${ratio})`
  const c = $('spark').getContext('2d')
  const max = Math.max(1, ...cc.scores.map(x => x.score))
  c.clearRect(0, 0, 280, 50)
  c.beginPath()
  cc.scores.forEach((x, i) => {
    const px = cc.scores.length > 1 ? i * 279 / (cc.scores.length - 1) : 0
    const py = 48 - 46 * x.score / max
    if (i) c.lineTo(px, py); else c.moveTo(px, py)
  })
  c.strokeStyle = '#2a9d4a'
  c.stroke()
}

function showAction (a) {
  const list = cc.agents[a.agent] || (cc.agents[a.agent] = [])
  list.push(a)
  if (list.length > 6) list.shift()
  let box = document.getElementById(`agent-${a.agent}`)
  if (!box) {
    box = document.createElement('div')
    box.className = 'agent'
    box.id = `agent-${a.agent}`
    $('agents').appendChild(box)
  }
  const args = Object.entries(a.args || {}).filter(([, v]) => v !== null && v !== 0 && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')
  box.innerHTML = `<h4>${a.agent}</h4>` + list.slice().reverse().map(x =>
    `<div class="act ${x.ok ? '' : 'bad'}" title="${x.reason || ''}">${x.start.toFixed(1)}s ${x.name} ${x === a ? args : ''} ${x.ok ? '' : '✗'}</div>`).join('')
  if (!a.ok) {
    cc.refusals++
    const li = document.createElement('li')
    li.textContent = `${a.start.toFixed(1)}s ${a.agent} ${a.name}: ${a.reason}`
    $('refusals').prepend(li)
  }
}

const handlers = {
  info: showInfo,
  plan: showPlan,
  progress: showProgress,
  score: showScore,
  event: (e) => { if (e.data && e.data.action) showAction(e.data.action) },
  state: (s) => { if (s.done) finish() },
  end: finish
}

function finish () {
  cc.finished = true
  $('status').textContent = 'finished'
  $('status').className = 'pill finished'
}

const source = new EventSource('/events')
source.addEventListener('hello', (ev) => {
  // A reconnect resends everything: start from a clean view.
  if (cc.helloCount !== null) location.reload()
  cc.helloCount = +ev.data
  if (!cc.finished) { $('status').textContent = 'live'; $('status').className = 'pill live' }
})
const now = () => (performance.timeOrigin + performance.now()) / 1000
source.onmessage = (ev) => {
  const arrived = now()
  const u = JSON.parse(ev.data)
  const fn = handlers[u.kind]
  if (fn) fn(u.data)
  if (u.n >= cc.helloCount) {
    const shown = now()
    requestAnimationFrame(() => {
      const frame = now()
      cc.latency.push(frame - u.sent_at)
      // Where the time went: bus to page server, in the page server (until written; the
      // event id), page server to browser, the update's handling, and the wait for the
      // next frame (seconds).
      const written = Number(ev.lastEventId) || u.received_at
      cc.latencyParts.push([u.received_at - u.sent_at, written - u.received_at,
        arrived - written, shown - arrived, frame - shown, u.kind, frame - performance.timeOrigin / 1000])
    })
  }
}
source.onerror = () => { if (!cc.finished) $('status').textContent = 'reconnecting' }
