// The one builder of a route handler's short answers: its refusals and
// errors (and the JSON result of a form it takes). Text is one line, never
// cached; anything else is JSON. Each caller picks the status and the
// headers (Retry-After, WWW-Authenticate, Allow…).

export function routeAnswer(status: number, body: string | object, headers: HeadersInit = {}): Response {
  if (typeof body !== "string") return Response.json(body, { status, headers });
  const merged = new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  for (const [name, value] of new Headers(headers)) merged.set(name, value);
  return new Response(`${body}\n`, { status, headers: merged });
}

/** A 429 with how long to wait, in plain text. */
export function tooManyRequests(text: string, retryAfterSeconds: number): Response {
  return routeAnswer(429, text, { "Retry-After": String(retryAfterSeconds) });
}
