// Found by fuzzing the server actions (test/security/fuzz-http.test.ts): a
// form field named with a control character made Next's multipart parser
// throw, and Next answer the action with a 500. proxy.ts now refuses such a
// body with a 400 before Next reads it.
import { describe, expect, it } from "vitest";
import { isMalformedMultipart } from "@/lib/request-body";

async function encoded(entries: [string, string | Blob][]) {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  const response = new Response(form);
  return { body: await response.arrayBuffer(), type: response.headers.get("content-type") ?? "" };
}

describe("a multipart body", () => {
  it("is readable with any value, line breaks and control characters included, and with files", async () => {
    const { body, type } = await encoded([
      ["1_name", "a\u0000b\r\n--not-the-boundary\r\n\u001b"],
      ['1_quote"and\r\nbreak', "x"],
      ["1_é ünïcode", "é"],
      ["file", new Blob(["\u0000\r\n\r\n"])],
    ]);
    expect(isMalformedMultipart(body, type)).toBe(false);
  });

  it.each([
    ["an escape", "1_\u001b"],
    ["NUL", "1_a\u0000b"],
    ["DEL", "1_\u007f"],
    ["a vertical tab", "1_\u000b"],
  ])("is malformed when a field's name holds %s (Next's parser throws on it)", async (_, name) => {
    const { body, type } = await encoded([
      ["0", "[]"],
      [name, "v"],
    ]);
    expect(isMalformedMultipart(body, type)).toBe(true);
  });

  it("is malformed without a boundary, cut short, or with a part without headers", async () => {
    const { body, type } = await encoded([["0", "[]"]]);
    expect(isMalformedMultipart(body, "multipart/form-data")).toBe(true);
    expect(isMalformedMultipart(body.slice(0, body.byteLength - 10), type)).toBe(true);
    const boundary = type.split("boundary=")[1];
    const bare = new TextEncoder().encode(`--${boundary}\r\nno blank line--${boundary}--\r\n`);
    expect(isMalformedMultipart(bare.buffer, type)).toBe(true);
  });
});
