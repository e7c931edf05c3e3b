'use strict'
// Reports the blocks of the column under the bot and where it stands.
const { connect, run } = require('./lib')

run(async (port) => {
  const bot = await connect(port, 'surveyor')
  await bot.waitForChunksToLoad()
  const p = bot.entity.position.floored()
  const column = {}
  for (let y = -64; y <= -58; y++) column[y] = bot.blockAt(p.offset(0, y - p.y, 0))?.name ?? null
  const far = bot.blockAt(p.offset(40, -61 - p.y, -35))?.name ?? null
  const result = { feetY: bot.entity.position.y, column, far, gameMode: bot.game.gameMode, dimension: bot.game.dimension, minY: bot.game.minY, height: bot.game.height }
  bot.quit()
  return result
})
