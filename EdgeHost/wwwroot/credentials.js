// A browser never holds an API key (docs/protocol.md §1.2): the page gets short-lived tokens,
// either handed over in its URL by the customer's backend, or fetched from the customer's own
// token endpoint before every connect and resume (a token lives a minute; a resume is
// authenticated again).

// The token in the page's URL (`?access_token=` or `#access_token=`), taken out of the address
// bar and the history at once, so it is not left in a bookmark, a copied link or the tab's
// history; the page holds it from here.
export function takeAccessToken() {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = url.searchParams.get("access_token") || fragment.get("access_token") || null;
  if (!url.searchParams.has("access_token") && !fragment.has("access_token")) return token;

  // Only what names the token is touched: the other parameters stay as they were written.
  if (url.searchParams.has("access_token")) url.searchParams.delete("access_token");
  if (fragment.has("access_token")) {
    fragment.delete("access_token");
    url.hash = fragment.toString();
  }
  history.replaceState(history.state, "", url.href);
  return token;
}

// The token endpoint, if any. The operator sets it in the edge's configuration
// (Stt:Edge:CaptionsTokenUrl), served at captions-config; it is never a page parameter, since
// the page POSTs to it with the user's cookies and a link must not choose where. An edge that
// does not answer counts as one without: the page then uses the token from its URL, or none.
export async function fetchTokenUrl() {
  try {
    const response = await fetch(new URL("captions-config", location.href), {
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return null;
    const body = await response.json();
    return typeof body?.token_url === "string" && body.token_url !== "" ? body.token_url : null;
  } catch {
    return null;
  }
}

export class Credentials {
  // `tokenUrl`: a promise, so a Start pressed before captions-config answered waits for it.
  constructor(accessToken, tokenUrl) {
    this.accessToken = accessToken;
    this.tokenUrl = tokenUrl;
  }

  // Whether a refused token can be replaced by a fresh one; without a token endpoint it cannot.
  async renewable() {
    return Boolean(await this.tokenUrl);
  }

  // The token for the next connect or resume.
  async token() {
    const tokenUrl = await this.tokenUrl;
    if (!tokenUrl) return this.accessToken;

    let url;
    try {
      url = new URL(tokenUrl, location.href);
    } catch {
      url = null;
    }
    // Even the operator's setting may not send the user's cookies to another site.
    if (url?.origin !== location.origin) {
      throw new Error("The captions token address configured on this edge is not on this page's own site.");
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
      throw new Error("The sign-in service for captions cannot be reached.");
    }
    if (!response.ok) {
      throw new Error(`The sign-in service for captions refused (HTTP ${response.status}); you may need to sign in again.`);
    }
    const body = await response.json().catch(() => null);
    if (typeof body?.token !== "string" || body.token === "") {
      throw new Error("The sign-in service for captions answered without a token.");
    }
    return body.token;
  }
}
