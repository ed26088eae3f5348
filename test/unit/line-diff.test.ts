import { describe, expect, it } from "vitest";
import { diffLines } from "@/lib/line-diff";

describe("diffLines", () => {
  it("marks removed and added lines around what stayed", () => {
    expect(diffLines("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "B" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
  });

  it("says nothing changed when nothing did", () => {
    expect(diffLines("x\ny", "x\ny").every((line) => line.kind === "same")).toBe(true);
  });
});
