// The session's audio, for sending again after a resume (docs/protocol.md §1.7): frames are
// numbered from 0 over the whole session, as the edge numbers them, but only the newest are kept.
// The edge keeps a broken session for 30 s; what is kept must cover the audio in flight when the
// socket broke plus everything captured while reconnecting, so 60 s, twice the grace period.

import { FRAME_MS } from "./pcm-format.js";

const KEEP_FRAMES = 60_000 / FRAME_MS;

export class KeptAudio {
  constructor() {
    this.frames = [];
    // When each kept frame was handed over (sent, or queued while there was no live socket: the
    // wait for a socket is part of what the reader waits for), for latency. Trimmed with the
    // frames, so a session of hours holds no more than a minute of either.
    this.handedAt = [];
    this.first = 0; // the index of frames[0]
    this.count = 0; // frames handed over in the session
  }

  add(frame, now) {
    this.frames.push(frame);
    this.handedAt.push(now);
    this.count++;
    if (this.frames.length > KEEP_FRAMES) {
      this.frames.shift();
      this.handedAt.shift();
      this.first++;
    }
  }

  // The kept frames from `index` on; older ones are gone (a resume that needs them has failed).
  *from(index) {
    for (let i = Math.max(index, this.first); i < this.count; i++) yield this.frames[i - this.first];
  }

  // A frame sent again keeps its first time: the reader has been waiting since then.
  handedAtOf(index) {
    return index >= this.first && index < this.count ? this.handedAt[index - this.first] : null;
  }

  // Every frame since the session began, or null once the oldest were let go.
  sinceStart() {
    return this.first === 0 ? this.frames : null;
  }
}
