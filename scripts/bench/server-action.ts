// A server action's request as the browser sends it: the action's id (from
// the build's server reference manifest) in `Next-Action`, the portal's own
// Origin, and the arguments encoded by React's encodeReply (Next's compiled
// copy, as its client bundle does), here made ahead as bytes for autocannon.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { root } from "./portal";

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply: (value: unknown[]) => Promise<string | FormData>;
};

/** The id of the build's action `exportedName` in `file` ("features/applications/actions.ts"). */
export function actionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  const found = Object.entries(manifest.node).find(
    ([, action]) => action.filename === file && action.exportedName === exportedName,
  );
  if (!found) throw new Error(`no server action ${file}#${exportedName} in the build`);
  return found[0];
}

export type EncodedCall = { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> };

/** The body and headers of a call to action `id` with `args`, from `origin`. */
export async function encodeCall(origin: string, id: string, args: unknown[]): Promise<EncodedCall> {
  const encoded = await encodeReply(args);
  // A FormData body is sent as multipart, its boundary in the content type.
  const request = new Request(origin, { method: "POST", body: encoded });
  const contentType =
    typeof encoded === "string" ? "text/plain;charset=UTF-8" : (request.headers.get("content-type") as string);
  return {
    headers: { accept: "text/x-component", "next-action": id, origin, "content-type": contentType },
    body: new Uint8Array(await request.arrayBuffer()),
  };
}

export function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}
