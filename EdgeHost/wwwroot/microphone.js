// The microphone, as 40 ms pcm_s16le frames at 16 kHz: getUserMedia feeding pcm-worklet.js.

export class Microphone {
  // `processing`: the browser's voice processing (echo cancellation, noise suppression, gain
  // control) is made for calls; it alters the signal a recognizer learnt from, and the page plays
  // nothing to cancel. Only for a noisy room: with it, PocketSphinx heard other words.
  static async open(onFrame, onEnded, { processing = false } = {}) {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error("This browser allows the microphone only on secure pages (https, or localhost).");
    }
    const audio = processing
      ? { channelCount: 1, echoCancellation: true, noiseSuppression: true }
      : { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false };
    const stream = await navigator.mediaDevices.getUserMedia({ audio });
    // The device's own rate: the worklet resamples, and forcing a rate here would make the
    // browser resample first with a filter nobody chose.
    const context = new AudioContext();
    try {
      await context.audioWorklet.addModule(new URL("pcm-worklet.js", import.meta.url));
      const source = context.createMediaStreamSource(stream);
      // No outputs: the node is a sink, pulled by the graph without reaching the speakers.
      const node = new AudioWorkletNode(context, "pcm-worklet", { numberOfInputs: 1, numberOfOutputs: 0 });
      node.port.onmessage = (event) => onFrame(event.data);
      source.connect(node);
      for (const track of stream.getAudioTracks()) track.addEventListener("ended", onEnded, { once: true });
      return new Microphone(stream, context, source, node);
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      context.close().catch(() => {});
      throw error;
    }
  }

  constructor(stream, context, source, node) {
    this.stream = stream;
    this.context = context;
    this.source = source;
    this.node = node;
  }

  // Without a click first, a browser may keep the audio suspended: capture starts on the first one.
  get suspended() {
    return this.context.state === "suspended";
  }

  resumeOnGesture() {
    const resume = () => this.context.resume();
    document.addEventListener("pointerdown", resume, { once: true });
    document.addEventListener("keydown", resume, { once: true });
  }

  close() {
    this.node.port.onmessage = null;
    this.node.port.postMessage("stop");
    this.source.disconnect();
    for (const track of this.stream.getTracks()) track.stop();
    this.context.close().catch(() => {});
  }
}
