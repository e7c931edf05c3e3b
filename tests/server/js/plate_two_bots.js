'use strict'
// A pressure plate stays powered while either of two players stands on it, and the iron door
// beside it stays open; it is unpowered, and the door shut, once both have left (the last one
// walking off).
const { connect, sleep, run, Vec3 } = require('./lib')
const { serverState, waitForState, teleport } = require('./world_lib')

run(async (port) => {
  const a = await connect(port, 'plate_a')
  const b = await connect(port, 'plate_b')
  await teleport(a, 10.5, -60, -16.5)
  await teleport(b, 11.5, -60, -16.5)
  const plate = new Vec3(10, -60, -14)
  const door = new Vec3(11, -60, -14)
  a.chat('/setblock 10 -60 -14 stone_pressure_plate')
  a.chat('/setblock 11 -60 -14 iron_door[facing=west,half=lower]')
  a.chat('/setblock 11 -59 -14 iron_door[facing=west,half=upper]')
  await waitForState(a, door.offset(0, 1, 0), 'iron_door')
  await waitForState(b, plate, 'stone_pressure_plate')
  const state = async () => [(await serverState(a, plate)).properties.powered, (await serverState(a, door)).properties.open]

  const steps = {}
  steps.empty = await state()
  await teleport(a, 10.5, -60, -13.5)
  await waitForState(a, plate, 'stone_pressure_plate', { powered: true })
  steps.aOn = await state()
  await teleport(b, 10.5, -60, -13.5)
  await sleep(300)
  steps.bothOn = await state()
  await teleport(a, 10.5, -60, -16.5)
  await sleep(300)
  steps.aLeft = await state()
  // b walks off to the south (+z) by itself.
  await b.look(Math.PI, 0, true) // yaw pi: facing south (+z)
  b.setControlState('forward', true)
  await waitForState(b, plate, 'stone_pressure_plate', { powered: false }, 5000)
  b.setControlState('forward', false)
  steps.bothLeft = await state()
  steps.bWalkedOff = Math.floor(b.entity.position.z) > plate.z
  a.quit()
  b.quit()
  return steps
})
