'use strict'
// How the watch tests start Debian's chromium (through playwright-core: no browser download):
// headless, software WebGL (SwiftShader) for the 3D view.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist']

module.exports = { CHROMIUM_ARGS }
