// A browser WebSocket cannot read why an upgrade was refused. The same URL as a plain request
// goes through the same checks up to the upgrade (docs/protocol.md §1.1), so it answers 401 for a
// bad credential; wording.js turns the answer into words.

export async function explainRefusal(socketUrl) {
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
