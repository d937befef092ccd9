// Live captions: the microphone, streamed to this edge's /v1/listen as any client would
// (docs/protocol.md §1), with the results shown as they come and the session resumed by itself
// when the connection breaks (§1.7).

// ---------------------------------------------------------------------------------------------
// Wire constants (docs/protocol.md §1.1, §1.4)

const SAMPLE_RATE = 16000;
const FRAME_BYTES = 1280; // 40 ms of 16 kHz pcm_s16le, as pcm-worklet.js posts them
const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

// Resume (§1.7): the edge keeps a broken session for its grace period (30 s by default); trying
// longer only postpones the failure. The audio kept for re-sending must cover what was in flight
// when the socket broke plus everything captured while reconnecting: 60 s is twice the grace.
const GRACE_MS = 30_000;
const KEEP_FRAMES = 60_000 / 40;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 4_000;

// After close_stream the edge waits up to 30 s for the recognizer's last results (§1.4).
const STOP_TIMEOUT_MS = 45_000;

// A half-open connection (a phone that lost its network) never fires an error; its unsent audio
// just piles up. A microphone at real time never builds a backlog this large on a live one.
const STALLED_BYTES = 20_000 * BYTES_PER_MS;

const MAX_EVENTS = 200;

// ---------------------------------------------------------------------------------------------
// Page parameters

const query = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
const config = {
  // A browser never holds an API key (§1.2): a short-lived token, handed over in the URL...
  accessToken: query.get("access_token") || fragment.get("access_token") || null,
  // ...or fetched from the customer's own backend before every connect and resume.
  tokenUrl: query.get("token_url") || null,
  autostart: query.get("autostart") === "1",
  // The browser's voice processing (echo cancellation, noise suppression, gain control) is made
  // for calls: it alters the signal a recognizer learnt from, and the page plays nothing to
  // cancel. Off unless `processing=1` (a noisy room); with it, PocketSphinx heard other words.
  processing: query.get("processing") === "1",
};

// ---------------------------------------------------------------------------------------------
// The page

const $ = (selector) => document.querySelector(selector);
const el = {
  state: $("#state"),
  language: $("#language"),
  translate: $("#translate"),
  start: $("#start"),
  stop: $("#stop"),
  transcript: $("#transcript"),
  partial: $("#partial"),
  partialText: $("#partial .text"),
  partialLatency: $("#partial .latency"),
  partialTranslations: $("#partial .translations"),
  events: $("#events"),
};

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  // textContent, never innerHTML: every string here comes from the network.
  if (text !== undefined) node.textContent = text;
  return node;
}

const view = {
  state(state, text) {
    el.state.dataset.state = state;
    el.state.textContent = text;
  },

  event(text, kind = "info") {
    const now = new Date();
    const item = make("li", kind);
    const time = make("time", "", now.toLocaleTimeString());
    time.dateTime = now.toISOString();
    item.append(time, " ", text);
    el.events.append(item);
    while (el.events.childElementCount > MAX_EVENTS) el.events.firstElementChild.remove();
    el.events.scrollTop = el.events.scrollHeight;
  },

  controls(active, stopping) {
    el.start.disabled = active;
    el.stop.disabled = !active || stopping;
    el.language.disabled = active;
    el.translate.disabled = active;
  },

  partial(message, latency) {
    const startMs = String(message.start_ms);
    // A partial of a new utterance: the last one's provisional translations no longer apply.
    if (el.partial.dataset.startMs !== startMs) el.partialTranslations.replaceChildren();
    el.partial.dataset.seq = message.seq;
    el.partial.dataset.startMs = startMs;
    el.partial.dataset.endMs = String(message.end_ms);
    el.partialText.textContent = message.text;
    el.partialLatency.textContent = latencyText(latency);
  },

  clearPartial() {
    el.partialText.textContent = "";
    el.partialLatency.textContent = "";
    el.partialTranslations.replaceChildren();
    el.partial.dataset.seq = "";
    el.partial.dataset.startMs = "";
    el.partial.dataset.endMs = "";
  },

  final(message, latency) {
    this.clearPartial();
    // A final with no words settles its span but has nothing to show.
    if (!message.text) return;

    const item = make("li", "final");
    item.dataset.seq = message.seq;
    item.dataset.startMs = message.start_ms;
    item.dataset.endMs = message.end_ms;
    if (latency !== null) item.dataset.latencyMs = latency;
    item.append(make("span", "text", message.text), " ", make("span", "latency", latencyText(latency)));

    // Translations that arrived before their final were shown on their own; they belong here.
    for (const orphan of el.transcript.querySelectorAll("li.translation-only")) {
      if (sameSpan(orphan, message)) {
        item.append(...orphan.querySelectorAll(".translation"));
        orphan.remove();
      }
    }
    appendToTranscript(item);
  },

  translation(message) {
    if (!message.is_final) {
      if (el.partial.dataset.startMs && el.partial.dataset.startMs !== String(message.start_ms)) return;
      upsertTranslation(el.partialTranslations, message);
      return;
    }
    if (!message.text) return;

    // Its final: the same span (§4.4: a translation repeats its transcript's start_ms and end_ms).
    // Only the newest few lines are searched: a translation follows its final closely.
    let item = el.transcript.lastElementChild;
    for (let i = 0; item && i < 50; i++, item = item.previousElementSibling) {
      if (item.classList.contains("final") && sameSpan(item, message)) {
        upsertTranslation(item, message);
        return;
      }
    }
    // No final to attach it to (yet): shown on its own rather than dropped.
    const orphan = make("li", "translation-only");
    orphan.dataset.seq = message.seq;
    orphan.dataset.startMs = message.start_ms;
    orphan.dataset.endMs = message.end_ms;
    upsertTranslation(orphan, message);
    appendToTranscript(orphan);
  },
};

function latencyText(latency) {
  return latency === null ? "" : `${latency} ms`;
}

function sameSpan(item, message) {
  return item.dataset.startMs === String(message.start_ms) && item.dataset.endMs === String(message.end_ms);
}

// One line per target language: a repeated translation (after a server switch) replaces its text.
function upsertTranslation(parent, message) {
  const language = String(message.language || "");
  let line = [...parent.querySelectorAll(":scope > .translation")].find((node) => node.dataset.lang === language);
  if (!line) {
    line = make("div", "translation");
    line.dataset.lang = language;
    if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) line.lang = language;
    parent.append(line);
  }
  line.replaceChildren(make("span", "text", message.text));
  if (message.simulated === true) {
    line.dataset.simulated = "true";
    const badge = make("span", "simulated", "simulated");
    badge.title = "Made by a stand-in on the server, not a translation model";
    line.append(badge);
  } else {
    delete line.dataset.simulated;
  }
}

function appendToTranscript(item) {
  // Follow the newest line only when the reader is already at the bottom.
  const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
  el.transcript.append(item);
  if (atBottom) el.partial.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------------------------------------
// Plain words for what the edge says (§1.1 refused upgrades, §1.5, §1.6)

const NOT_AUTHORIZED = "Not authorized: the access token is missing, wrong or expired";
const TOKEN_EXPIRED = "The access token expired; reload the page with a fresh one";
const BUSY = "The gateway is busy; try again in a few seconds";

function describeRefusal(refusal) {
  switch (refusal.status) {
    case 0:
      return "The gateway cannot be reached. Check the network connection; the gateway may be down.";
    case 401:
      return NOT_AUTHORIZED;
    case 429:
    case 503:
      return BUSY;
    case 404:
      return "This server does not offer live captions here (no /v1/listen).";
    case 400:
      // A plain request passes authentication and then fails only for not being an upgrade
      // (§1.1 check order): the credential is fine, and the socket was refused for a reason a
      // browser is not allowed to read. This page's own parameters are always well-formed.
      if (refusal.code === "bad_request" && /upgrade/i.test(refusal.message || "")) {
        return (
          "The gateway refused the connection. It is most likely busy (too many sessions); " +
          "try again in a few seconds. It may also be shutting down, or not accept these settings."
        );
      }
      return `The gateway refused the connection: ${refusal.message || "bad request"}`;
    default:
      return `The gateway refused the connection (HTTP ${refusal.status}${refusal.message ? `: ${refusal.message}` : ""}).`;
  }
}

function describeError(error) {
  switch (error.code) {
    case "capacity_exhausted":
      return "Every recognition server is busy; try again in a few seconds";
    case "backend_unavailable":
      return "The recognition servers could not be reached, or the one in use failed and none could take over";
    case "bad_request":
      return `The recognition servers do not accept these settings (${error.message || "bad request"})`;
    case "payload_too_large":
      return "This page sent a message larger than the gateway accepts";
    case "internal":
      return "The gateway lost this session; press Start to begin a new one";
    default:
      return error.message || `The gateway reported an error (${error.code || "unknown"})`;
  }
}

function describeClose(code) {
  switch (code) {
    case 1000: return "the connection was closed";
    case 1001: return "the gateway is shutting down";
    case 1002:
    case 1007: return "the connection failed a protocol check";
    case 1006: return "the connection dropped";
    case 1008: return "the gateway refused the request";
    case 1009: return "a message was too large";
    case 1011: return "the gateway or the recognition server failed";
    case 1013: return "the gateway is busy";
    case 4000: return "another connection took over this session";
    default: return `the connection closed (code ${code})`;
  }
}

function describeClosed(reason) {
  switch (reason) {
    case "client_closed": return "Closed";
    case "idle_timeout": return "Closed: nothing arrived from this page for 30 seconds";
    case "no_audio": return "Closed: no audio arrived for a minute";
    case "max_lifetime": return "Closed: the session reached its maximum length; press Start for a new one";
    default: return `Closed (${reason || "no reason given"})`;
  }
}

function describeNotice(notice) {
  switch (notice.code) {
    case "backend_switched":
      return `Switched to another recognition server${notice.backend ? ` (${notice.backend})` : ""} — nothing was lost`;
    case "resumed":
      return "Reconnected — the session resumed where it left off; nothing was lost";
    case "draining":
      return "This gateway is shutting down — moving the session to another one";
    default:
      return notice.message || `Notice: ${notice.code}`;
  }
}

function describeMicrophoneError(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was denied. Allow the microphone for this site and press Start again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found.";
    case "NotReadableError":
      return "The microphone could not be opened; another application may be using it.";
    default:
      return `The microphone could not be started (${error?.message || error}).`;
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials and addresses (§1.1, §1.2)

class CredentialError extends Error {}

// The token for the next connect or resume: fetched fresh when a token_url is given, since a
// token only lives a minute and a resume is authenticated again.
async function credential() {
  if (!config.tokenUrl) return config.accessToken;

  const url = new URL(config.tokenUrl, location.href);
  // A link must not point the page at someone else's token service.
  if (url.origin !== location.origin) {
    throw new CredentialError("The token_url must be on this page's own site.");
  }
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
  } catch {
    throw new CredentialError("The sign-in service for captions cannot be reached.");
  }
  if (!response.ok) {
    throw new CredentialError(`The sign-in service for captions refused (HTTP ${response.status}); you may need to sign in again.`);
  }
  const body = await response.json().catch(() => null);
  if (typeof body?.token !== "string" || body.token === "") {
    throw new CredentialError("The sign-in service for captions answered without a token.");
  }
  return body.token;
}

// Relative to the page, so an edge behind a path prefix still gets its own /v1/listen.
function listenUrl(parameters, token) {
  const url = new URL("v1/listen", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.hash = "";
  url.search = "";
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  if (token) url.searchParams.set("access_token", token);
  return url.href;
}

// A browser WebSocket cannot read why an upgrade was refused. The same URL as a plain request
// goes through the same checks up to the upgrade (§1.1), so it answers 401 for a bad credential.
async function explainRefusal(socketUrl) {
  const url = new URL(socketUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  try {
    const response = await fetch(url, { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => null);
    return { status: response.status, code: body?.code, message: body?.message };
  } catch {
    return { status: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// The microphone, as 40 ms pcm_s16le frames at 16 kHz

class Microphone {
  static async open(onFrame, onEnded) {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error("This browser allows the microphone only on secure pages (https, or localhost).");
    }
    const audio = config.processing
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
      context.close();
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

// ---------------------------------------------------------------------------------------------
// One /v1/listen session, across as many sockets as it takes (§1.3–§1.7)

class CaptionSession {
  constructor({ language, translate, onEnded }) {
    this.parameters = { encoding: "pcm_s16le", sample_rate: String(SAMPLE_RATE), language };
    if (translate) this.parameters.translate = translate;
    this.onEnded = onEnded;

    this.ws = null; // the socket the session is on
    this.live = false; // whether audio goes out on it now, or waits in `frames`
    this.sessionId = null;
    this.resumeToken = null;
    this.lastSeq = 0;

    // Audio by frame index, counted from 0 over the whole session as the edge counts it (§1.7).
    this.frames = [];
    this.firstKept = 0;
    this.frameCount = 0;
    // When each frame was handed over: sent, or queued while there was no live socket, since the
    // wait for a socket is part of what the reader waits for. Frames sent again keep their time.
    this.handedAt = [];

    this.resume = null; // while reconnecting: { deadline, broken, attempt, timer, socket, url, hadToken, problem }
    this.stopping = false;
    this.stopTimer = null;
    this.closedReason = null;
    this.ended = false;
  }

  async start() {
    view.state("connecting", "Connecting…");
    let token;
    try {
      token = await credential();
    } catch (error) {
      return this.fail(error.message);
    }
    if (this.ended) return;
    if (this.stopping) return this.stoppedBeforeConnecting();

    try {
      this.microphone = await Microphone.open(
        (frame) => this.onFrame(frame),
        () => this.onMicrophoneEnded(),
      );
    } catch (error) {
      return this.fail(describeMicrophoneError(error));
    }
    if (this.ended) return this.microphone.close();
    if (this.stopping) return this.stoppedBeforeConnecting();
    if (this.microphone.suspended) {
      view.event("The browser holds the audio until you interact with the page: click anywhere to start.", "warning");
      this.microphone.resumeOnGesture();
    }

    this.ws = this.open(listenUrl(this.parameters, token), false);
  }

  stop() {
    if (this.ended || this.stopping) return;
    this.stopping = true;
    view.controls(true, true);
    // While reconnecting, that stays the news; `resumed` then shows the finishing.
    if (!this.resume) view.state(el.state.dataset.state, "Finishing — waiting for the last results…");
    // Otherwise close_stream goes out once a socket is live: on open, or after a resume.
    if (this.live) this.send(JSON.stringify({ type: "close_stream" }));
    this.stopTimer = setTimeout(
      () => this.fail("The gateway did not confirm the end of the session in time."),
      STOP_TIMEOUT_MS,
    );
  }

  // The page is going away: end the session now rather than leave it waiting out its grace period.
  abandon() {
    if (this.ended) return;
    if (this.live && !this.stopping) this.send(JSON.stringify({ type: "close_stream" }));
    this.end();
  }

  open(url, isResume) {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.opened = false;
    ws.lastType = null;
    ws.lastError = null;
    ws.onopen = () => {
      ws.opened = true;
      this.onOpen(ws, isResume);
    };
    ws.onmessage = (event) => this.onMessage(ws, event);
    ws.onclose = (event) => this.onClose(ws, event);
    return ws;
  }

  onOpen(ws, isResume) {
    if (this.ended) return ws.close(1000);
    if (!isResume) {
      // Audio may follow the upgrade at once (§1.3): what was captured meanwhile goes first.
      this.sendFrom(0);
      this.live = true;
      if (this.stopping) this.send(JSON.stringify({ type: "close_stream" }));
      return;
    }

    // The edge took the session before it accepted the upgrade, so the old socket (a draining
    // edge's) is superseded now. Audio waits for the `resumed` notice, which says from where.
    this.resume.socket = null;
    const old = this.ws;
    this.ws = ws;
    this.live = false;
    if (old && old !== ws) old.close(1000);
    view.state("resuming", "Reconnecting — resuming the session…");
  }

  onMessage(ws, event) {
    if (ws !== this.ws || typeof event.data !== "string") return;
    const arrival = performance.now();
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message === null || typeof message !== "object") return;

    // A resume replays everything after last_seq; the socket it replaced may have delivered some.
    if (Number.isInteger(message.seq)) {
      if (message.seq <= this.lastSeq) return;
      this.lastSeq = message.seq;
    }
    ws.lastType = message.type;

    switch (message.type) {
      case "session":
        this.sessionId = message.session_id;
        this.resumeToken = message.resume_token;
        if (!this.resume) this.showStreaming();
        view.event(`Session started${message.backend ? ` on recognition server ${message.backend}` : ""}`);
        break;
      case "transcript":
        if (message.is_final) {
          view.final(message, this.latency(message.end_ms, arrival));
        } else {
          view.partial(message, this.latency(message.end_ms, arrival));
        }
        break;
      case "translation":
        view.translation(message);
        break;
      case "notice":
        this.onNotice(message);
        break;
      case "error":
        // Fatal only when the close frame follows (§1.5): onClose says so in plain words.
        ws.lastError = message;
        view.event(`The gateway reported an error: ${message.message || message.code}`, "error");
        break;
      case "closed":
        this.closedReason = message.reason ?? "";
        break;
    }
  }

  onNotice(notice) {
    switch (notice.code) {
      case "resumed":
        this.onResumed(notice);
        break;
      case "draining":
        view.event(describeNotice(notice), "warning");
        this.beginResume(false);
        break;
      default:
        view.event(describeNotice(notice));
    }
  }

  onResumed(notice) {
    const from = Number(notice.audio_frames);
    if (!Number.isInteger(from) || from < 0 || from > this.frameCount) {
      return this.fail("The gateway resumed the session from audio this page never sent.");
    }
    if (from < this.firstKept) {
      return this.fail("The session could not be resumed: the audio since the break is no longer kept.");
    }
    this.sendFrom(from);
    this.live = true;
    if (this.resume?.timer) clearTimeout(this.resume.timer);
    this.resume = null;
    if (this.stopping) this.send(JSON.stringify({ type: "close_stream" }));
    view.event(describeNotice(notice));
    this.showStreaming();
  }

  onClose(ws, event) {
    if (this.ended) return;

    if (ws === this.resume?.socket) {
      this.resume.socket = null;
      // An attempt refused at the upgrade: ask why, then try again unless that cannot help.
      return void this.retryAfterRefusal(this.resume);
    }
    if (ws !== this.ws) return; // a socket already replaced

    this.ws = null;
    this.live = false;
    if (this.closedReason !== null) return this.finish();
    if (!ws.opened) return void this.explainFailedStart(ws.url);

    const fatalError = ws.lastType === "error" && ws.lastError && event.code !== 1006 && event.code !== 1001;
    if (fatalError) {
      return this.fail(describeError(ws.lastError));
    }
    if (event.code === 4000) {
      // Expected while our own resume attempt is being accepted; otherwise another tab or
      // device took the session. Never a reason to resume (§1.7).
      if (this.resume?.socket) return;
      return this.fail("Another connection took over this session (another tab or device resumed it).");
    }
    if (!this.sessionId) {
      return this.fail(`The connection ended before the session started: ${describeClose(event.code)}.`);
    }
    this.beginResume(true, describeClose(event.code));
  }

  async explainFailedStart(url) {
    const refusal = await explainRefusal(url);
    if (this.ended) return;
    this.fail(describeRefusal(refusal));
  }

  // ---- resume (§1.7)

  // `broken`: the socket is gone; after a `draining` notice it still delivers meanwhile.
  beginResume(broken, why) {
    if (this.ended) return;
    if (!this.sessionId || !this.resumeToken) {
      return this.fail(`The connection ended before the session started${why ? `: ${why}` : ""}.`);
    }
    if (!this.resume) {
      this.resume = { deadline: performance.now() + GRACE_MS, broken: false, attempt: 0, timer: null, socket: null, url: null, hadToken: false, problem: null };
    }
    const resume = this.resume;
    // The grace period runs from the first break, however long a drain went before it; a resumed
    // socket that breaks again before `resumed` does not extend it.
    if (broken && !resume.broken) {
      resume.broken = true;
      resume.deadline = Math.max(resume.deadline, performance.now() + GRACE_MS);
      view.event(`Connection lost: ${why} — reconnecting`, "warning");
    }
    if (broken) view.state("resuming", "Reconnecting — resuming the session…");
    if (!resume.socket && !resume.timer) this.scheduleAttempt();
  }

  scheduleAttempt() {
    const resume = this.resume;
    // First at once, then 250 ms doubling to 4 s, drawn from the upper half so that pages cut
    // off together by one edge do not all come back in the same instant.
    const full = resume.attempt === 0 ? 0 : Math.min(BACKOFF_FIRST_MS * 2 ** (resume.attempt - 1), BACKOFF_MAX_MS);
    const remaining = resume.deadline - performance.now();
    if (remaining <= 0) return this.giveUp(resume);
    // The last attempt goes out as the grace period ends, not a backoff before it.
    const delay = Math.min(full / 2 + Math.random() * (full / 2), remaining);
    resume.timer = setTimeout(() => {
      resume.timer = null;
      this.attemptResume(resume);
    }, delay);
  }

  async attemptResume(resume) {
    if (this.ended || this.resume !== resume) return;
    resume.attempt++;
    let token;
    try {
      token = await credential();
    } catch (error) {
      resume.problem = error.message;
      if (this.resume === resume && !this.ended) this.scheduleAttempt();
      return;
    }
    if (this.ended || this.resume !== resume) return;
    resume.url = listenUrl(
      { session_id: this.sessionId, resume_token: this.resumeToken, last_seq: String(this.lastSeq) },
      token,
    );
    resume.hadToken = Boolean(token);
    resume.socket = this.open(resume.url, true);
  }

  async retryAfterRefusal(resume) {
    const refusal = await explainRefusal(resume.url);
    if (this.ended || this.resume !== resume) return;
    // Without a token_url there is no fresh token to come: trying again cannot help.
    if (refusal.status === 401 && !config.tokenUrl) {
      return this.fail(resume.hadToken ? TOKEN_EXPIRED : NOT_AUTHORIZED);
    }
    // 404 (session gone), 429, 503 and the rest look alike from here: retry within the grace period.
    resume.problem = describeRefusal(refusal);
    if (!resume.socket && !resume.timer) this.scheduleAttempt();
  }

  giveUp(resume) {
    const detail = resume.problem ? ` Last problem: ${resume.problem}` : "";
    this.fail(`Could not reconnect within ${GRACE_MS / 1000} seconds; the session has ended.${detail}`);
  }

  // ---- audio

  onFrame(frame) {
    if (this.ended || this.stopping) return;
    this.handedAt[this.frameCount] = performance.now();
    this.frames.push(frame);
    this.frameCount++;
    if (this.frames.length > KEEP_FRAMES) {
      this.frames.shift();
      this.firstKept++;
    }
    if (!this.live) return;

    this.ws.send(frame);
    if (this.ws.bufferedAmount > STALLED_BYTES) this.stalled();
  }

  sendFrom(index) {
    for (let i = Math.max(index, this.firstKept); i < this.frameCount; i++) {
      this.ws.send(this.frames[i - this.firstKept]);
    }
  }

  send(text) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  stalled() {
    const ws = this.ws;
    ws.onclose = ws.onmessage = null;
    ws.close(1000);
    this.ws = null;
    this.live = false;
    this.beginResume(true, "the connection stalled");
  }

  onMicrophoneEnded() {
    if (this.ended) return;
    view.event("The microphone stopped (unplugged, or its permission was withdrawn).", "warning");
    this.stop();
  }

  // The audio position end_ms is reached by the frame holding the byte just before it (a result
  // up to a frame boundary could be made as soon as that frame arrived), as Client/Latency does.
  latency(endMs, arrival) {
    if (!Number.isFinite(endMs)) return null;
    const index = Math.floor(Math.max(endMs * BYTES_PER_MS - 1, 0) / FRAME_BYTES);
    const handed = this.handedAt[index];
    return handed === undefined ? null : Math.round(arrival - handed);
  }

  // ---- ends

  stoppedBeforeConnecting() {
    this.closedReason = "client_closed";
    this.finish();
  }

  showStreaming() {
    view.state("streaming", this.stopping ? "Finishing — waiting for the last results…" : "Listening");
  }

  finish() {
    const text = describeClosed(this.closedReason);
    this.end();
    view.state("closed", text);
    view.event(text);
  }

  fail(text) {
    this.end();
    view.state("error", text);
    view.event(text, "error");
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    this.live = false;
    clearTimeout(this.stopTimer);
    if (this.resume) {
      clearTimeout(this.resume.timer);
      this.resume.socket?.close(1000);
      this.resume = null;
    }
    if (this.ws) {
      this.ws.onclose = this.ws.onmessage = null;
      this.ws.close(1000);
      this.ws = null;
    }
    this.microphone?.close();
    view.clearPartial();
    this.onEnded();
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

let session = null;

function start() {
  if (session && !session.ended) return;
  const current = new CaptionSession({
    language: el.language.value,
    translate: el.translate.value,
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
// sent (base64 pcm_s16le from frame 0; null once older frames were let go), to compare what the
// recognizer made of exactly that audio with what the page shows.
window.captions = {
  state: () => el.state.dataset.state,
  finals: () => [...el.transcript.querySelectorAll("li.final > .text")].map((node) => node.textContent),
  partial: () => el.partialText.textContent,
  audio: () => (session && session.firstKept === 0 ? base64(session.frames) : null),
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

if (config.autostart) start();
