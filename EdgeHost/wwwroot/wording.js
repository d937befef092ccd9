// What the edge says, in words a reader understands: refused upgrades (docs/protocol.md §1.1),
// errors, notices and closes (§1.5, §1.6), and the microphone's own failures.

export const NOT_AUTHORIZED = "Not authorized: the access token is missing, wrong or expired";
export const TOKEN_EXPIRED = "The access token expired; reload the page with a fresh one";
const BUSY = "The gateway is busy; try again in a few seconds";

export function describeRefusal(refusal) {
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

export function describeError(error) {
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

export function describeClose(code) {
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

export function describeClosed(reason) {
  switch (reason) {
    case "client_closed": return "Closed";
    case "idle_timeout": return "Closed: nothing arrived from this page for 30 seconds";
    case "no_audio": return "Closed: no audio arrived for a minute";
    case "max_lifetime": return "Closed: the session reached its maximum length; press Start for a new one";
    default: return `Closed (${reason || "no reason given"})`;
  }
}

export function describeNotice(notice) {
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

export function describeMicrophoneError(error) {
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
