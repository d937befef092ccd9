// Live captions: the microphone, streamed to this edge's /v1/listen as any client would
// (docs/protocol.md §1), with the results shown as they come and the session resumed by itself
// when the connection breaks (§1.7). This file wires the page together; docs/captions.md
// describes it.

import { Credentials, fetchTokenUrl, takeAccessToken } from "./credentials.js";
import { CaptionSession } from "./session.js";
import { el, view } from "./view.js";

const query = new URLSearchParams(location.search);
// Used by the browser tests, with the microphone permission granted.
const autostart = query.get("autostart") === "1";
// The browser's voice processing, for a noisy room (microphone.js says why it is off otherwise).
const processing = query.get("processing") === "1";
// Fetched now, so that Start rarely waits for captions-config; a session that starts sooner waits.
const credentials = new Credentials(takeAccessToken(), fetchTokenUrl());

let session = null;

function start() {
  if (session && !session.ended) return;
  const current = new CaptionSession({
    language: el.language.value,
    translate: el.translate.value,
    credentials,
    processing,
    onEnded: () => {
      if (session === current) view.controls(false, false);
    },
  });
  session = current;
  view.controls(true, false);
  return current.start();
}

function stop() {
  session?.stop();
}

el.start.addEventListener("click", () => start());
el.stop.addEventListener("click", () => stop());
addEventListener("pagehide", () => session?.abandon());

// For automated browser tests: what the page shows, its two buttons, and the audio the session
// sent (base64 pcm_s16le from frame 0; null once older frames were let go) and how much of it
// (ms), to compare what the recognizer made of exactly that audio with what the page shows.
window.captions = {
  state: () => view.current().state,
  finals: () => view.current().finals,
  partial: () => view.current().partial,
  audio: () => {
    const frames = session?.audio.sinceStart();
    return frames ? base64(frames) : null;
  },
  sentMs: () => session?.sentMs ?? 0,
  start,
  stop,
};

function base64(frames) {
  let binary = "";
  for (const frame of frames) {
    const bytes = new Uint8Array(frame);
    for (let i = 0; i < bytes.length; i += 0x2000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}

if (autostart) start();
