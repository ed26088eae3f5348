// What the front door answers when the portal cannot serve a request right
// now: a 503 that says so and when to try again, as a page for browsers and
// as JSON for everyone else. The page is self-contained (no script, no
// stylesheet to fetch) because the server behind it may be down.

import { createHash } from "node:crypto";

export type PlainAnswer = { status: number; headers: Record<string, string>; body: string };

export const RETRY_AFTER_SECONDS = 10;

const MESSAGES = {
  starting: "The portal is starting or restarting. Try again in a moment.",
  database: "The portal is temporarily unavailable: its database cannot be reached. Try again in a minute.",
} as const;

const STYLE =
  "body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#0f172a;line-height:1.5}";
// Its one style element is allowed by its hash, not by 'unsafe-inline' (issue 19, item 16).
const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");
const POLICY = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const PAGE = (message: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Temporarily unavailable</h1>
<p>${message}</p>
<p>Nothing you saved has been lost.</p>
</main>
</body>
</html>
`;

export function unavailableResponse(reason: keyof typeof MESSAGES, accept: string): PlainAnswer {
  const headers = {
    "retry-after": String(RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (accept.includes("text/html")) {
    return {
      status: 503,
      headers: {
        ...headers,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": POLICY,
      },
      body: PAGE(MESSAGES[reason]),
    };
  }
  return {
    status: 503,
    headers: { ...headers, "content-type": "application/json" },
    body: `${JSON.stringify({ error: MESSAGES[reason] })}\n`,
  };
}
