// Request bodies read with a cap, before any parsing: a route that expects a
// few hundred bytes never holds megabytes in memory. Too large is a 413.

/**
 * The largest request body the portal accepts at all (the front door answers
 * 413 beyond it; Next's limit for server actions is set to the same). An
 * application with every answer at its longest is well under a third of it.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export type BodyText = { ok: true; text: string } | { ok: false; response: Response };

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
