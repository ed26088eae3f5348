import { describe, expect, it } from "vitest";
import { CONTROL_CHARACTER_MESSAGE, textInput } from "@/lib/input";

describe("free text", () => {
  it("keeps tabs, line breaks and every script", () => {
    expect(textInput(100).parse("  Line one\r\n\tעברית, 中文, é  ")).toBe("Line one\r\n\tעברית, 中文, é");
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["a C1 control", "a\u0085b"],
    ["a right-to-left override", "invoice\u202Egnp.exe"],
    ["an isolate", "a\u2066b\u2069"],
    ["a line separator", "a\u2028b"],
    ["DEL", "a\u007Fb"],
  ])("refuses %s, saying why", (_, value) => {
    const parsed = textInput(100).safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(CONTROL_CHARACTER_MESSAGE);
  });
});
