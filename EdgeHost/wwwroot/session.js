// One /v1/listen session, across as many sockets as it takes (docs/protocol.md §1.3–§1.7): the
// first socket, and after a break or a `draining` notice a resume that re-sends the audio the
// edge did not get and skips the results the page already has.

import { KeptAudio } from "./kept-audio.js";
import { listenUrl } from "./listen-url.js";
import { Microphone } from "./microphone.js";
import { FRAME_MS, SAMPLE_RATE, frameReaching } from "./pcm-format.js";
import { explainRefusal } from "./refusal.js";
import { StallWatch } from "./stall-watch.js";
import { view } from "./view.js";
import {
  NOT_AUTHORIZED,
  TOKEN_EXPIRED,
  describeClose,
  describeClosed,
  describeError,
  describeMicrophoneError,
  describeNotice,
  describeRefusal,
} from "./wording.js";

// The edge keeps a broken session for its grace period (30 s by default, §1.7); trying longer
// only postpones the failure.
const GRACE_MS = 30_000;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 4_000;

// After close_stream the edge waits up to 30 s for the recognizer's last results (§1.4).
const STOP_TIMEOUT_MS = 45_000;

const CLOSE_STREAM = JSON.stringify({ type: "close_stream" });

export class CaptionSession {
  constructor({ language, translate, credentials, processing, onEnded }) {
    this.parameters = { encoding: "pcm_s16le", sample_rate: String(SAMPLE_RATE), language };
    if (translate) this.parameters.translate = translate;
    this.credentials = credentials;
    this.processing = processing;
    this.onEnded = onEnded;

    this.ws = null; // the socket the session is on
    this.live = false; // whether audio goes out on it now, or waits in `audio`
    this.sessionId = null;
    this.resumeToken = null;
    this.lastSeq = 0;
    this.audio = new KeptAudio();
    this.stall = new StallWatch();

    // While reconnecting: { broken, deadline, attempt, timer, socket, pending, url, hadToken, problem }.
    // At most one attempt is under way: its timer, its token or refusal being awaited (`pending`,
    // when neither of the others is set), or its socket.
    this.resume = null;
    this.stopping = false;
    this.stopTimer = null;
    this.closedReason = null;
    this.ended = false;
  }

  // Audio handed over so far, whether sent yet or not.
  get sentMs() {
    return this.audio.count * FRAME_MS;
  }

  async start() {
    view.state("connecting", "Connecting…");
    let token;
    try {
      token = await this.credentials.token();
    } catch (error) {
      return this.fail(error.message);
    }
    if (this.ended) return;
    if (this.stopping) return this.stoppedBeforeConnecting();

    try {
      this.microphone = await Microphone.open(
        (frame) => this.onFrame(frame),
        () => this.onMicrophoneEnded(),
        { processing: this.processing },
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
    if (!this.resume) view.stateText("Finishing — waiting for the last results…");
    // Otherwise close_stream goes out once a socket is live: on open, or after a resume.
    if (this.live) this.send(CLOSE_STREAM);
    this.stopTimer = setTimeout(
      () => this.fail("The gateway did not confirm the end of the session in time."),
      STOP_TIMEOUT_MS,
    );
  }

  // The page is going away: end the session now rather than leave it waiting out its grace period.
  abandon() {
    if (this.ended) return;
    if (this.live && !this.stopping) this.send(CLOSE_STREAM);
    this.end();
  }

  // ---- sockets

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
      this.goLive(0);
      return;
    }

    // An attempt this session no longer waits for (a resume that already succeeded) must not
    // take the session over from the socket it is on.
    if (this.resume?.socket !== ws) {
      ws.onclose = ws.onmessage = null;
      ws.close(1000);
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
    if (!Number.isInteger(from) || from < 0 || from > this.audio.count) {
      return this.fail("The gateway resumed the session from audio this page never sent.");
    }
    if (from < this.audio.first) {
      return this.fail("The session could not be resumed: the audio since the break is no longer kept.");
    }
    this.dropResume();
    this.goLive(from);
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

    // Before any error it may follow: a superseded socket is never resumed (§1.7), whatever it
    // was told before.
    if (event.code === 4000) {
      // Expected while our own resume attempt is being accepted; the old socket is gone all the
      // same, so the grace period runs from here.
      if (this.resume?.socket) {
        this.startGrace(this.resume);
        view.state("resuming", "Reconnecting — resuming the session…");
        return;
      }
      // Otherwise another tab or device took the session.
      return this.fail("Another connection took over this session (another tab or device resumed it).");
    }
    const fatalError = ws.lastType === "error" && ws.lastError && event.code !== 1006 && event.code !== 1001;
    if (fatalError) {
      return this.fail(describeError(ws.lastError));
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
      this.resume = { broken: false, deadline: 0, attempt: 0, timer: null, socket: null, pending: false, url: null, hadToken: false, problem: null };
    }
    const resume = this.resume;
    if (broken && !resume.broken) view.event(`Connection lost: ${why} — reconnecting`, "warning");
    if (broken) {
      this.startGrace(resume);
      view.state("resuming", "Reconnecting — resuming the session…");
    }
    this.retry(resume);
  }

  // The grace period runs from the first break, however long a drain went on before it (a
  // draining edge keeps streaming, so there is nothing to give up on yet); a resumed socket that
  // breaks again before `resumed` does not extend it.
  startGrace(resume) {
    if (resume.broken) return;
    resume.broken = true;
    resume.deadline = performance.now() + GRACE_MS;
  }

  // The next attempt, unless one is already under way: two at once would each take the session
  // from the other.
  retry(resume) {
    if (this.ended || this.resume !== resume) return;
    if (resume.timer || resume.pending || resume.socket) return;
    this.scheduleAttempt(resume);
  }

  scheduleAttempt(resume) {
    // First at once, then 250 ms doubling to 4 s, drawn from the upper half so that pages cut
    // off together by one edge do not all come back in the same instant.
    const full = resume.attempt === 0 ? 0 : Math.min(BACKOFF_FIRST_MS * 2 ** (resume.attempt - 1), BACKOFF_MAX_MS);
    let delay = full / 2 + Math.random() * (full / 2);
    if (resume.broken) {
      const remaining = resume.deadline - performance.now();
      if (remaining <= 0) return this.giveUp(resume);
      // The last attempt goes out as the grace period ends, not a backoff before it.
      delay = Math.min(delay, remaining);
    }
    resume.timer = setTimeout(() => {
      resume.timer = null;
      this.attemptResume(resume);
    }, delay);
  }

  async attemptResume(resume) {
    if (this.ended || this.resume !== resume) return;
    resume.attempt++;
    let token;
    resume.pending = true;
    try {
      token = await this.credentials.token();
    } catch (error) {
      resume.pending = false;
      resume.problem = error.message;
      return this.retry(resume);
    }
    resume.pending = false;
    if (this.ended || this.resume !== resume) return;
    resume.url = listenUrl(
      { session_id: this.sessionId, resume_token: this.resumeToken, last_seq: String(this.lastSeq) },
      token,
    );
    resume.hadToken = Boolean(token);
    resume.socket = this.open(resume.url, true);
  }

  async retryAfterRefusal(resume) {
    resume.pending = true;
    const [refusal, renewable] = await Promise.all([explainRefusal(resume.url), this.credentials.renewable()]);
    resume.pending = false;
    if (this.ended || this.resume !== resume) return;
    // Without a token endpoint there is no fresh token to come: trying again cannot help.
    if (refusal.status === 401 && !renewable) {
      return this.fail(resume.hadToken ? TOKEN_EXPIRED : NOT_AUTHORIZED);
    }
    // 404 (session gone), 429, 503 and the rest look alike from here: retry within the grace period.
    resume.problem = describeRefusal(refusal);
    this.retry(resume);
  }

  giveUp(resume) {
    const detail = resume.problem ? ` Last problem: ${resume.problem}` : "";
    this.fail(`Could not reconnect within ${GRACE_MS / 1000} seconds; the session has ended.${detail}`);
  }

  // Stops whatever attempt is under way; an attempt awaiting its token sees `this.resume` changed.
  dropResume() {
    const resume = this.resume;
    if (!resume) return;
    this.resume = null;
    clearTimeout(resume.timer);
    if (resume.socket) {
      resume.socket.onclose = resume.socket.onmessage = null;
      resume.socket.close(1000);
    }
  }

  // ---- audio

  onFrame(frame) {
    if (this.ended || this.stopping) return;
    const now = performance.now();
    this.audio.add(frame, now);
    if (!this.live) return;

    this.ws.send(frame);
    if (this.stall.stalled(this.ws.bufferedAmount, now)) this.stalled();
  }

  // Audio goes out on this.ws from frame `from`, the backlog first.
  goLive(from) {
    for (const frame of this.audio.from(from)) this.ws.send(frame);
    this.live = true;
    this.stall.restart(this.ws.bufferedAmount, performance.now());
    if (this.stopping) this.send(CLOSE_STREAM);
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

  // A result's latency: its arrival minus when the frame that reached its end_ms was handed over;
  // none once that frame is no longer kept.
  latency(endMs, arrival) {
    if (!Number.isFinite(endMs)) return null;
    const handed = this.audio.handedAtOf(frameReaching(endMs));
    return handed === null ? null : Math.round(arrival - handed);
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
    this.dropResume();
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
