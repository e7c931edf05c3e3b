'use strict'
// Vanilla-like 1.19.2 superflat generator for flying-squid.
//
// flying-squid resolves `generation.name` with require() when it is not one of its own
// generators, and calls the module with `{ ...generation.options, registry, seed, version }`;
// the returned function is called as generateChunk(chunkX, chunkZ) and must return a
// prismarine-chunk column.
//
// Layers as in vanilla's default superflat preset (minecraft:bedrock,2*minecraft:dirt,
// minecraft:grass_block; biome plains): bedrock at y = -64, dirt at y = -63 and -62,
// grass_block (snowy=false) at y = -61, air above. Sky light is full above the surface.

const { Vec3 } = require('vec3')

const MIN_Y = -64
const WORLD_HEIGHT = 384
const GRASS_Y = -61

function generation (options) {
  const registry = options.registry
  if (!registry) throw new Error('world.js: options.registry is required')
  const Chunk = require('prismarine-chunk')(registry)
  const bedrock = registry.blocksByName.bedrock.defaultState
  const dirt = registry.blocksByName.dirt.defaultState
  const grass = registry.blocksByName.grass_block.defaultState
  const plains = registry.biomesByName.plains.id
  const layers = [[MIN_Y, bedrock], [MIN_Y + 1, dirt], [MIN_Y + 2, dirt], [GRASS_Y, grass]]

  // Every column is identical, so build one template and clone it by dump/load.
  const template = new Chunk({ minY: MIN_Y, worldHeight: WORLD_HEIGHT })
  const p = new Vec3(0, 0, 0)
  for (let x = 0; x < 16; x++) {
    for (let z = 0; z < 16; z++) {
      p.x = x
      p.z = z
      for (const [y, state] of layers) {
        p.y = y
        template.setBlockStateId(p, state)
      }
      for (let y = GRASS_Y + 1; y < MIN_Y + WORLD_HEIGHT; y++) {
        p.y = y
        template.setSkyLight(p, 15)
      }
    }
  }
  for (let x = 0; x < 16; x += 4) {
    for (let z = 0; z < 16; z += 4) {
      for (let y = MIN_Y; y < MIN_Y + WORLD_HEIGHT; y += 4) {
        template.setBiome(new Vec3(x, y, z), plains)
      }
    }
  }
  const data = template.dump()
  const light = template.dumpLight()

  return function generateChunk () {
    const chunk = new Chunk({ minY: MIN_Y, worldHeight: WORLD_HEIGHT })
    chunk.load(data)
    chunk.loadParsedLight(light.skyLight, light.blockLight, light.skyLightMask, light.blockLightMask,
      light.emptySkyLightMask, light.emptyBlockLightMask)
    return chunk
  }
}

module.exports = generation
module.exports.MIN_Y = MIN_Y
module.exports.GRASS_Y = GRASS_Y
