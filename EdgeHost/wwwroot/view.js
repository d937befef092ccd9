// The page's DOM: every update the session makes, and the elements captions.js wires up.
// Besides what is shown, the data attributes here are kept because something reads them:
// data-state (its colour, and the tests), a line's data-start-ms/data-end-ms (a translation
// finds its final by them), a translation's data-lang (one line per language) and
// data-simulated (the tests).

const MAX_EVENTS = 200;

const $ = (selector) => document.querySelector(selector);
export const el = {
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
  simulatedNote: $("#simulated-note"),
};

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  // textContent, never innerHTML: every string here comes from the network.
  if (text !== undefined) node.textContent = text;
  return node;
}

export const view = {
  state(state, text) {
    el.state.dataset.state = state;
    el.state.textContent = text;
  },

  // New words for the same state.
  stateText(text) {
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
    el.partial.dataset.startMs = startMs;
    el.partialText.textContent = message.text;
    el.partialLatency.textContent = latencyText(latency);
  },

  clearPartial() {
    el.partialText.textContent = "";
    el.partialLatency.textContent = "";
    el.partialTranslations.replaceChildren();
    el.partial.dataset.startMs = "";
  },

  final(message, latency) {
    this.clearPartial();
    // A final with no words settles its span but has nothing to show.
    if (!message.text) return;

    const item = make("li", "final");
    item.dataset.startMs = message.start_ms;
    item.dataset.endMs = message.end_ms;
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
    orphan.dataset.startMs = message.start_ms;
    orphan.dataset.endMs = message.end_ms;
    upsertTranslation(orphan, message);
    appendToTranscript(orphan);
  },

  // For the test hook: what the reader sees.
  current() {
    return {
      state: el.state.dataset.state,
      finals: [...el.transcript.querySelectorAll("li.final > .text")].map((node) => node.textContent),
      partial: el.partialText.textContent,
    };
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
    // The footer says it once for the page, and only when it is true.
    el.simulatedNote.hidden = false;
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
