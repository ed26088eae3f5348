// Request bodies read with a cap, before any parsing: a route that expects a
// few hundred bytes never holds megabytes in memory. Too large is a 413.

/**
 * The largest request body the portal accepts at all (the front door answers
 * 413 beyond it; Next's limit for server actions is set to the same). An
 * application with every answer at its longest is well under a third of it.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export type BodyText = { ok: true; text: string } | { ok: false; response: Response };

// Not through routeAnswer (lib/route-answer.ts): next.config.ts loads this
// file for MAX_REQUEST_BODY_BYTES, and its loader does not resolve `@/` imports.
export function tooLarge(maxBytes: number): Response {
  return Response.json(
    { ok: false, formError: `The request is too large (at most ${Math.ceil(maxBytes / 1024)} KB).` },
    { status: 413, headers: { Connection: "close" } },
  );
}

/** The body as text, or a 413 as soon as it is known to be longer than `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<BodyText> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { ok: false, response: tooLarge(maxBytes) };
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: tooLarge(maxBytes) };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

export type FormBody = { ok: true; fields: Record<string, string> } | { ok: false; response: Response };

/** An `application/x-www-form-urlencoded` body as fields (the last value of a repeated name wins). */
export async function readFormBody(request: Request, maxBytes: number): Promise<FormBody> {
  const body = await readBodyText(request, maxBytes);
  if (!body.ok) return body;
  return { ok: true, fields: Object.fromEntries(new URLSearchParams(body.text)) };
}

// Characters a multipart part's header cannot hold (line breaks but as the
// CRLF that ends a header line, and the C0 controls and DEL): Next's parser
// (busboy) throws on them, and Next answers a server action with a 500.
// FormData escapes only CR, LF and '"' in a field's name, so a name with,
// say, an escape character comes through as it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const PART_HEADER_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * True when a `multipart/form-data` body cannot be read as one: no boundary,
 * no closing delimiter, or a part whose headers hold a control character.
 */
export function isMalformedMultipart(body: ArrayBuffer, contentType: string): boolean {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary ? `--${boundary[1] ?? boundary[2]}` : null;
  if (!delimiter) return true;
  // Latin-1: one character per byte, so nothing is lost or merged.
  const text = Buffer.from(body).toString("latin1");
  const parts = text.split(`\r\n${delimiter}`);
  // The body starts with the first delimiter (a preamble before it is ignored).
  const first = parts[0]?.indexOf(delimiter) ?? -1;
  if (first < 0) return true;
  parts[0] = parts[0]?.slice(first + delimiter.length) ?? "";
  const last = parts.at(-1) ?? "";
  if (!last.startsWith("--")) return true;
  return parts.slice(0, -1).some((part) => {
    const end = part.indexOf("\r\n\r\n");
    if (!part.startsWith("\r\n") || end < 0) return true;
    return part
      .slice(2, end)
      .split("\r\n")
      .some((line) => PART_HEADER_CONTROL.test(line));
  });
}
