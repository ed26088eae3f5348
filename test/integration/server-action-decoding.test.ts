// The front door's second opinion on a server action's body (issue 19, item
// 10): React's own decoder, in its worker thread, refuses what Next's refuses
// and accepts what the browser sends.
import { mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionDecoder, bodyCopies, createActionDecoder, mayRunServerAction } from "@/lib/server-action-decoding";

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge") as {
  encodeReply: (value: unknown[]) => Promise<string | FormData>;
};

const ACTION_ID = "7f00aa11bb22cc33dd44ee55ff66778899aabbccdd";
/** Hosted by another page than the one posted to: Next cannot find it there. */
const ELSEWHERE_ID = "7f11bb22cc33dd44ee55ff66778899aabbccddeeff";
let decoder: ActionDecoder;

beforeAll(async () => {
  const directory = await mkdtemp(path.join(tmpdir(), "action-manifest-"));
  const manifestPath = path.join(directory, "server-reference-manifest.json");
  const hosted = (page: string) => ({ workers: { [page]: { moduleId: 1, async: false } }, exportedName: "someAction" });
  await writeFile(
    manifestPath,
    JSON.stringify({
      node: {
        [ACTION_ID]: hosted("app/(dynamic)/applications/[id]/edit/page"),
        [ELSEWHERE_ID]: hosted("app/(dynamic)/team/page"),
      },
      edge: {},
    }),
  );
  decoder = createActionDecoder({ manifestPath, maxBodyBytes: 1024 * 1024 });
});
afterAll(() => decoder?.close());

/** A body as it goes over the wire: text, or a FormData's multipart bytes with their type (and boundary). */
async function wire(body: string | FormData): Promise<{ body: Buffer; contentType: string }> {
  if (typeof body === "string") return { body: Buffer.from(body), contentType: "text/plain;charset=UTF-8" };
  const response = new Response(body);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get("content-type") ?? "" };
}

/** The page the actions are posted to (it hosts ACTION_ID). */
const PAGE = "/applications/cl00000000000000000000000/edit";
const fetchAction = async (body: string | FormData) =>
  decoder.whyUndecodable({ ...(await wire(body)), fetchAction: true, pathname: PAGE });
const formPost = async (form: FormData) =>
  decoder.whyUndecodable({ ...(await wire(form)), fetchAction: false, pathname: PAGE });

const formOf = (entries: [string, string | Blob][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};

describe("the server-action decoder", () => {
  it("decodes what the browser sends: React's own encoding of a form, a state and a form, values, nothing", async () => {
    const form = formOf([
      ["applicationId", "cl00000000000000000000000"],
      ["answer", "$Q1 [[[ {{{ $h1 $@2 \u0000"],
    ]);
    for (const args of [[form], [{ ok: false, values: { a: "$1" } }, form], ["$Q1"], [[1, [2, [3]]]], []]) {
      expect(await fetchAction(await encodeReply(args))).toBeNull();
    }
    // A form posted before the page's scripts ran, with and without bound arguments.
    expect(
      await formPost(
        formOf([
          [`$ACTION_ID_${ACTION_ID}`, ""],
          ["name", "x"],
        ]),
      ),
    ).toBeNull();
    const bound = formOf([
      ["$ACTION_REF_1", ""],
      ["$ACTION_1:0", JSON.stringify({ id: ACTION_ID, bound: "$@1" })],
      ["$ACTION_1:1", JSON.stringify(["bound value"])],
      ["name", "x"],
    ]);
    expect(await formPost(bound)).toBeNull();
  });

  it("refuses references to parts the body does not hold, bad parts, deep nesting and too many arguments", async () => {
    const deep = (levels: number, open: string, middle: string, close: string) =>
      `${open.repeat(levels)}${middle}${close.repeat(levels)}`;
    const texts = [
      '["$Q1"]',
      '["$F1"]',
      '["$h1"]',
      '["$1"]',
      '["$W1"]',
      '["$i1"]',
      '["$B1"]',
      '["$n1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"]',
      deep(5000, "[", "", "]"),
      deep(5000, '{"a":', "1", "}"),
      deep(1500, "[", "", "]"),
      "[",
      "1",
      '"text"',
      "null",
      JSON.stringify(Array.from({ length: 1001 }, () => 0)),
    ];
    const refused = [];
    for (const text of texts) refused.push([text.slice(0, 12), await fetchAction(text)]);
    expect(refused.filter(([, reason]) => reason === null)).toEqual([]);
    // Multipart: a part that is missing, out of order, of the wrong kind, or a server function nobody has.
    const parts: [string, string | Blob][][] = [
      [["0", '["$Q1"]']],
      [
        ["0", '["$h1"]'],
        ["1", JSON.stringify({ id: ACTION_ID, bound: null })],
      ],
      [
        ["1", JSON.stringify({ id: "no-such-action", bound: null })],
        ["0", '["$h1"]'],
      ],
      [
        ["1", "text, not a blob"],
        ["0", '["$B1"]'],
      ],
      [
        ["1", JSON.stringify({ id: ELSEWHERE_ID, bound: null })],
        ["0", '["$h1"]'],
      ],
    ];
    for (const entries of parts) expect(await fetchAction(formOf(entries)), JSON.stringify(entries)).not.toBeNull();
    // The server function an argument names, when the build has it, is fine.
    expect(
      await fetchAction(
        formOf([
          ["1", JSON.stringify({ id: ACTION_ID, bound: null })],
          ["0", '["$h1"]'],
        ]),
      ),
    ).toBeNull();
    // A form posted without scripts whose bound arguments reference nothing, or a function nobody has.
    for (const bound of ["$@1", "$Q1"]) {
      const form = formOf([
        ["$ACTION_REF_1", ""],
        ["$ACTION_1:0", JSON.stringify({ id: ACTION_ID, bound })],
      ]);
      expect(await formPost(form), bound).not.toBeNull();
    }
    expect(await formPost(formOf([[`$ACTION_ID_no-such-action`, ""]]))).not.toBeNull();
  });

  it("keeps copies of bodies within one budget for all requests together", () => {
    const copy = bodyCopies(10);
    const first = copy();
    const second = copy();
    first.add(Buffer.from("123456"));
    second.add(Buffer.from("1234"));
    // Over the budget: that copy is dropped (its 500 would stand), the others are whole.
    const third = copy();
    third.add(Buffer.from("1"));
    expect([first.body()?.toString(), second.body()?.toString(), third.body()]).toEqual(["123456", "1234", null]);
    first.release();
    const fourth = copy();
    fourth.add(Buffer.from("abcdef"));
    expect(fourth.body()?.toString()).toBe("abcdef");
  });

  it("is asked only about requests that may run an action", () => {
    expect(mayRunServerAction("POST", { "next-action": "x", "content-type": "text/plain" })).toBe(true);
    expect(mayRunServerAction("POST", { "content-type": "multipart/form-data; boundary=x" })).toBe(true);
    expect(mayRunServerAction("POST", { "content-type": "application/x-www-form-urlencoded" })).toBe(false);
    expect(mayRunServerAction("GET", { "next-action": "x" })).toBe(false);
  });
});
