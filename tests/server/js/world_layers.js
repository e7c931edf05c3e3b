'use strict'
// Reports the blocks of the column under the bot and where it stands.
const { connect, waitFor, run } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'surveyor')
  await bot.waitForChunksToLoad()
  const p = bot.entity.position.floored()
  const column = {}
  for (let y = -64; y <= -58; y++) column[y] = bot.blockAt(p.offset(0, y - p.y, 0))?.name ?? null
  // Another chunk, 2 chunks away: flying-squid sends the farther chunks after the spawn.
  const farPos = p.offset(35, -61 - p.y, -30)
  await waitFor(() => bot.blockAt(farPos) !== null, 10000, 'a chunk 2 chunks away')
  const far = bot.blockAt(farPos).name
  const result = { feetY: bot.entity.position.y, column, far, gameMode: bot.game.gameMode, dimension: bot.game.dimension, minY: bot.game.minY, height: bot.game.height }
  bot.quit()
  return result
})
