// The audio as the edge takes it (docs/protocol.md §1.1) and as pcm-worklet.js posts it: mono
// pcm_s16le at 16 kHz in 40 ms frames. The worklet, on the audio thread, keeps its own copy.

export const SAMPLE_RATE = 16000;
export const FRAME_MS = 40;
export const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS; // 1280

// The frame an audio position is reached by: the one holding the byte just before it, since a
// result up to a frame boundary could be made as soon as that frame arrived (as Client/Latency
// counts it).
export function frameReaching(ms) {
  return Math.floor(Math.max(ms * BYTES_PER_MS - 1, 0) / FRAME_BYTES);
}
