// A server action called over HTTP the way the browser calls it: its id in
// `Next-Action`, the portal's own Origin, and the arguments encoded by React's
// own encodeReply (Next's compiled copy, as its client bundle does).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply: (value: unknown[]) => Promise<string | FormData>;
};

export type ActionAnswer = {
  status: number;
  headers: Headers;
  body: string;
  /** Where the action redirected (`x-action-redirect`, without the push/replace suffix), or null. */
  redirect: string | null;
  /** The action's return value, when the answer carries one (`undefined` for a void action). */
  value: unknown;
  hasValue: boolean;
};

export function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

/** POSTs `args` to the action `id` on `page`, as a fetch from that page would. */
export async function callServerAction(
  baseUrl: string,
  { id, page, args, headers = {} }: { id: string; page: string; args: unknown[]; headers?: Record<string, string> },
): Promise<ActionAnswer> {
  return sendActionBody(baseUrl, { id, page, body: await encodeReply(args), headers });
}

/** POSTs a body of one's own making (text, or a FormData sent as multipart) to the action `id` on `page`. */
export async function sendActionBody(
  baseUrl: string,
  {
    id,
    page,
    body,
    headers = {},
  }: { id: string; page: string; body: string | FormData; headers?: Record<string, string> },
): Promise<ActionAnswer> {
  const response = await fetch(`${baseUrl}${page}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...headers,
      accept: "text/x-component",
      "next-action": id,
      origin: baseUrl,
      // A FormData body gets its multipart type (with the boundary) from fetch.
      ...(typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {}),
    },
    body,
  });
  const text = await response.text();
  const redirect = response.headers.get("x-action-redirect")?.replace(/;(push|replace)$/, "") ?? null;
  return { status: response.status, headers: response.headers, body: text, redirect, ...actionValue(text) };
}

/** The value in a Flight answer: row 0 names the row (`"a":"$@1"`) that holds what the action returned. */
function actionValue(flight: string): { value: unknown; hasValue: boolean } {
  const rows = new Map<string, string>();
  for (const line of flight.split("\n")) {
    const match = line.match(/^([0-9a-f]+):(.*)$/);
    if (match) rows.set(match[1] as string, match[2] as string);
  }
  const head = rows.get("0");
  if (!head?.startsWith("{")) return { value: undefined, hasValue: false };
  const pointer = (JSON.parse(head) as { a?: string }).a?.match(/^\$@([0-9a-f]+)$/)?.[1];
  const row = pointer === undefined ? undefined : rows.get(pointer);
  // "E…": the action threw (notFound() among others): there is no value.
  if (row === undefined || row.startsWith("E")) return { value: undefined, hasValue: false };
  return { value: row === '"$undefined"' ? undefined : JSON.parse(row), hasValue: true };
}
