// Where the session's sockets go (docs/protocol.md §1.1).

// Relative to the page, so an edge behind a path prefix still gets its own /v1/listen.
export function listenUrl(parameters, token) {
  const url = new URL("v1/listen", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.hash = "";
  url.search = "";
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  if (token) url.searchParams.set("access_token", token);
  return url.href;
}
