// A half-open connection (a phone that lost its network) never fires an error; its unsent audio
// just piles up in bufferedAmount. A large backlog alone proves nothing: a resume after a long
// break queues everything captured meanwhile, and the edge takes it at twice real time after a
// 10 s burst, so a healthy socket may hold more than 20 s for a while. But its backlog shrinks
// now and then; a dead one's only grows.

import { BYTES_PER_MS } from "./pcm-format.js";

// More audio waiting than a microphone at real time ever leaves on a live socket.
const STALLED_BYTES = 20_000 * BYTES_PER_MS;
// How long a backlog that large may go without shrinking.
const STALLED_MS = 10_000;

export class StallWatch {
  constructor() {
    this.restart(0, 0);
  }

  // A socket that just went live, with whatever backlog was queued on it, starts the clock afresh.
  restart(buffered, now) {
    this.buffered = buffered;
    this.shrankAt = now;
  }

  // Fed the socket's bufferedAmount after each frame sent.
  stalled(buffered, now) {
    if (buffered < this.buffered || buffered === 0) this.shrankAt = now;
    this.buffered = buffered;
    return buffered > STALLED_BYTES && now - this.shrankAt >= STALLED_MS;
  }
}
