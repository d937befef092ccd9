// The microphone's audio, as the edge wants it (docs/protocol.md §1.1): mono pcm_s16le at
// 16 kHz, posted to the page in 40 ms frames (640 samples, 1280 bytes) as transferred
// ArrayBuffers. Runs on the audio thread, so it allocates only when a frame is complete.

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 640;

// A windowed-sinc resampler for any pair of rates (48 kHz, 44.1 kHz, 24 kHz, …). A box filter
// and linear interpolation would do for speech, but the recognizer hears every bit of aliasing
// and lost treble, and a proper low-pass is cheap once its weights are computed up front.
class Resampler {
  // Cut at 94% of the lower Nyquist: flat through the speech band, and the transition band's
  // leftover aliasing lands above 7.8 kHz, where the recognizer does not listen.
  static CUTOFF = 0.94;
  // Zero crossings of the sinc on each side: sets the transition band's width (~±600 Hz here).
  static ZERO_CROSSINGS = 32;
  // At most this many precomputed phases. Output n sits at input position n·inRate/outRate, so
  // 48k→16k needs one phase and 44.1k→16k 160; a rate with no common factor is rounded to the
  // nearest 1/1024 of an input sample, an error far below 16 bits at speech frequencies.
  static MAX_PHASES = 1024;

  constructor(inRate, outRate) {
    const divisor = gcd(inRate, outRate);
    // Output positions advance by step/phases input samples, tracked exactly in integers.
    this.step = inRate / divisor;
    this.phases = outRate / divisor;
    this.rows = Math.min(this.phases, Resampler.MAX_PHASES);

    // Cycles per input sample, below the Nyquist of whichever side is slower.
    const cutoff = 0.5 * Math.min(1, outRate / inRate) * Resampler.CUTOFF;
    this.halfWidth = Math.ceil(Resampler.ZERO_CROSSINGS / (2 * cutoff));
    this.taps = 2 * this.halfWidth;
    this.bank = Resampler.filterBank(cutoff, this.halfWidth, this.rows);

    // Input history; buffer[0] is input sample `base`. Starting at -halfWidth primes it with
    // silence, so output 0 lines up with input 0 and the stream gains no delay.
    this.buffer = new Float32Array(4096);
    this.length = this.halfWidth;
    this.base = -this.halfWidth;
    // The next output's position: input sample `center` plus phase/phases of one.
    this.center = 0;
    this.phase = 0;
  }

  // Row r: the weights for an output r/rows of an input sample past `center`, applied to inputs
  // center-halfWidth+1 … center+halfWidth. Row `rows` (a whole sample) saves a wrap-around check.
  static filterBank(cutoff, halfWidth, rows) {
    const taps = 2 * halfWidth;
    const bank = [];
    for (let r = 0; r <= rows; r++) {
      const frac = r / rows;
      const weights = new Float32Array(taps);
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        const d = Math.abs(j - halfWidth + 1 - frac); // distance in input samples
        const u = d * 2 * cutoff; // in zero crossings of the sinc
        const x = u / Resampler.ZERO_CROSSINGS; // 0 … 1 across the window's half
        if (x >= 1) continue;
        const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
        const blackman = 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
        weights[j] = sinc * blackman;
        sum += weights[j];
      }
      // Unit gain at DC in every phase, so a phase's rounding never shows as a level change.
      for (let j = 0; j < taps; j++) weights[j] /= sum;
      bank.push(weights);
    }
    return bank;
  }

  // Feeds input samples; calls `emit(sample)` for every output sample they complete.
  push(input, emit) {
    this.append(input);
    const { halfWidth, taps, buffer, base, bank, step, phases, rows } = this;
    const end = base + this.length;
    while (this.center + halfWidth < end) {
      const weights = bank[Math.round((this.phase * rows) / phases)];
      const first = this.center - halfWidth + 1 - base;
      let sum = 0;
      for (let j = 0; j < taps; j++) sum += weights[j] * buffer[first + j];
      emit(sum);

      this.phase += step;
      this.center += Math.floor(this.phase / phases);
      this.phase %= phases;
    }
    this.discardBefore(this.center - halfWidth + 1);
  }

  append(input) {
    if (this.length + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.length + input.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }

  discardBefore(index) {
    const drop = index - this.base;
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.base += drop;
  }
}

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

class PcmWorklet extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the AudioContext's, a global of the worklet scope.
    this.resampler = sampleRate === TARGET_RATE ? null : new Resampler(sampleRate, TARGET_RATE);
    this.mono = new Float32Array(128);
    this.newFrame();
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data === "stop") this.running = false;
    };
    this.emit = (sample) => this.write(sample);
  }

  newFrame() {
    this.frame = new ArrayBuffer(FRAME_SAMPLES * 2);
    // DataView, not Int16Array: the wire format is little-endian whatever the machine is.
    this.view = new DataView(this.frame);
    this.filled = 0;
  }

  write(sample) {
    const clamped = Math.max(-1, Math.min(1, sample));
    const value = Math.max(-32768, Math.min(32767, Math.round(clamped * 32768)));
    this.view.setInt16(this.filled * 2, value, true);
    if (++this.filled === FRAME_SAMPLES) {
      this.port.postMessage(this.frame, [this.frame]);
      this.newFrame();
    }
  }

  process(inputs) {
    const channels = inputs[0];
    // No input yet (the track is still starting) or muted: nothing to resample.
    if (!channels || channels.length === 0) return this.running;

    const frames = channels[0].length;
    if (this.mono.length !== frames) this.mono = new Float32Array(frames);
    const mono = this.mono;
    // Averaging keeps a stereo microphone's level where a mono one's would be.
    mono.set(channels[0]);
    for (let c = 1; c < channels.length; c++) {
      const channel = channels[c];
      for (let i = 0; i < frames; i++) mono[i] += channel[i];
    }
    if (channels.length > 1) {
      for (let i = 0; i < frames; i++) mono[i] /= channels.length;
    }

    if (this.resampler) {
      this.resampler.push(mono, this.emit);
    } else {
      for (let i = 0; i < frames; i++) this.write(mono[i]);
    }
    return this.running;
  }
}

registerProcessor("pcm-worklet", PcmWorklet);
