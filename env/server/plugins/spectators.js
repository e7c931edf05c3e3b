'use strict'
// Watchers: a player who is not an agent joins as a spectator (game mode 3), as on a vanilla
// server where an operator set it: it flies, sees every entity and block change, and cannot
// touch the world.
// - Agents are the players whose name matches CAUSALCRAFT_AGENT_NAMES (a regular expression;
//   default ^agent\d+$, the runner's agent ids); every other name is a spectator.
// - A spectator is not an operator (no commands), its interaction packets (dig, place, use an
//   item or an entity, click in a window) are dropped before any plugin sees them, it presses
//   no pressure plate and picks nothing up (ground_items.js).

const AGENT_NAMES = new RegExp(process.env.CAUSALCRAFT_AGENT_NAMES || '^agent\\d+$')
const SPECTATOR = 3
const TOUCHING = new Set(['block_dig', 'block_place', 'use_item', 'use_entity', 'window_click',
  'set_creative_slot', 'pick_item', 'chat_command'])

function isSpectator (player) {
  return !AGENT_NAMES.test(player.username || player._client.username)
}

module.exports.server = function (serv) {
  const platesFor = serv.updatePlatesFor
  if (platesFor) {
    serv.updatePlatesFor = (player, leaving) => player.spectator ? Promise.resolve() : platesFor(player, leaving)
  }
}

module.exports.player = function (player, serv) {
  if (!isSpectator(player)) return
  player.spectator = true
  player.op = false
  player.gameMode = SPECTATOR
  const emit = player._client.emit.bind(player._client)
  player._client.emit = (name, ...args) => TOUCHING.has(name) ? false : emit(name, ...args)
  player.once('spawned', () => {
    if (player.gameMode !== SPECTATOR) player.setGameMode(SPECTATOR)
  })
}
