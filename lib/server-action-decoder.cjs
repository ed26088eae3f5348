// The worker thread of lib/server-action-decoding.ts: decodes a server
// action's request body with React's own decoder, the very one Next's action
// handler runs (next/dist/compiled/react-server-dom-turbopack). That decoder
// needs React's "react-server" build, so it runs here, in a thread started
// with that condition, and not in the front door's own thread.
"use strict";

const { Readable } = require("node:stream");
const { pipeline } = require("node:stream/promises");
const { parentPort, workerData } = require("node:worker_threads");
const react = require("next/dist/compiled/react-server-dom-turbopack/server.node");
const busboy = require("next/dist/compiled/busboy");

/** Next refuses more arguments than this, after decoding (action-handler.js: SERVER_ACTION_ARGS_LIMIT). */
const ARGUMENTS_LIMIT = 1000;

/**
 * Arguments nested deeper than this count as undecodable: Next's own stack
 * runs out at a few thousand levels, and this thread's stack is larger, so
 * it would decode what Next could not. The portal's own arguments (a form
 * and useActionState's state) nest a few levels.
 */
const NESTING_LIMIT = 1000;

// The decoder loads the module of each server function an argument names
// (`$h`, and a form's `$ACTION_ID_…`): here each one the build hosts on the
// page posted to (`hosted`, from its manifest) is a stub, and any other
// cannot be found, as in Next.
globalThis.__next_require__ = () => async function serverFunction() {};
globalThis.__next_chunk_load__ = () => Promise.resolve();

function serverModuleMap(hosted) {
  const ids = new Set(hosted);
  return new Proxy({}, { get: (_, id) => (ids.has(id) ? { id, chunks: [], name: "*" } : undefined) });
}

/** A fetch action's arguments, decoded as Next decodes them (busboy for a multipart body, else the text). */
async function fetchArguments(body, contentType, modules) {
  const temporaryReferences = react.createTemporaryReferenceSet();
  if (!/^multipart\/form-data/i.test(contentType)) {
    return react.decodeReply(body.toString("utf8"), modules, { temporaryReferences });
  }
  const form = busboy({
    defParamCharset: "utf8",
    headers: { "content-type": contentType },
    limits: { fieldSize: workerData.maxBodyBytes },
  });
  // In Next the body arrives after the decoder waits for its root, so each
  // part is read as it comes and may refer only to parts before it (React
  // writes the root last): wait for the root first here too.
  const decoding = react.decodeReplyFromBusboy(form, modules, { temporaryReferences });
  const args = new Promise((resolve, reject) => decoding.then(resolve, reject));
  await new Promise((resolve) => setImmediate(resolve));
  const [, decoded] = await Promise.all([pipeline(Readable.from([body]), form), args]);
  return decoded;
}

/** A form posted without JavaScript: decoded as Next decodes it (the platform's form parser, then React's). */
async function formAction(body, contentType, modules) {
  const form = await new Request("http://localhost/", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  }).formData();
  const action = await react.decodeAction(form, modules);
  if (typeof action === "function") await react.decodeFormState(undefined, form, modules);
}

function nestsDeeperThan(value, limit) {
  const seen = new Set();
  const stack = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop();
    if (item === null || typeof item !== "object" || seen.has(item)) continue;
    if (depth > limit) return true;
    seen.add(item);
    const children =
      item instanceof Map ? [...item.keys(), ...item.values()] : item instanceof Set ? [...item] : Object.values(item);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}

/** Why Next cannot have decoded the body (or cannot call the action with what it decoded), or null. */
async function whyUndecodable({ body, contentType, fetchAction, hosted }) {
  const modules = serverModuleMap(hosted);
  try {
    if (!fetchAction) {
      await formAction(Buffer.from(body), contentType, modules);
      return null;
    }
    const args = await fetchArguments(Buffer.from(body), contentType, modules);
    // Next calls the action with `action.apply(null, args)`, after checking `args.length`.
    if (args === null || args === undefined || (typeof args !== "object" && typeof args !== "function")) {
      return "the arguments are not a list";
    }
    if (args.length > ARGUMENTS_LIMIT) return "too many arguments";
    if (nestsDeeperThan(args, NESTING_LIMIT)) return "nested too deep";
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

parentPort.on("message", ({ id, request }) => {
  whyUndecodable(request).then((reason) => parentPort.postMessage({ id, reason }));
});
