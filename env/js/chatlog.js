'use strict'
// The last chat lines a bot heard, numbered from its first: a reader keeps the number it has
// read up to and asks for what came since, which stays right once old lines are dropped (the
// log keeps the last `keep`; an index into the kept lines would stop moving once it is full).

class ChatLog {
  constructor (keep = 200) {
    this.keep = keep
    this.lines = []
    this.count = 0 // lines heard in all, the next one's number
  }

  push (line) {
    this.lines.push(line)
    this.count++
    if (this.lines.length > this.keep) this.lines.shift()
  }

  // The lines numbered `from` on that are still kept, oldest first.
  since (from) {
    const first = this.count - this.lines.length
    return this.lines.slice(Math.max(0, from - first))
  }
}

module.exports = { ChatLog }
