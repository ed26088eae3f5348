import { describe, expect, it } from "vitest";
import { isReadableRouterState } from "@/lib/router-state";

const header = (tree: unknown) => encodeURIComponent(JSON.stringify(tree));

describe("the router state header of an RSC request", () => {
  it("passes when absent, or when it is a tree of segments as the client router sends it", () => {
    expect(isReadableRouterState(null)).toBe(true);
    expect(isReadableRouterState(header(["", { children: ["__PAGE__", {}] }]))).toBe(true);
    const review = [
      "",
      { children: ["review", { children: [["id", "cmabc", "d", null], { children: ["__PAGE__", {}] }] }] },
    ];
    expect(isReadableRouterState(header(review))).toBe(true);
    expect(isReadableRouterState(header([...review, null, null, 0]))).toBe(true);
  });

  it("is refused when Next could not read it (Next itself would answer a 500)", () => {
    expect(isReadableRouterState(header(["", { children: ["x", {}] }, null, null, true]))).toBe(false);
    expect(isReadableRouterState(header({ children: [] }))).toBe(false);
    expect(isReadableRouterState("not json")).toBe(false);
    expect(isReadableRouterState("%E0%A4%A")).toBe(false);
    expect(isReadableRouterState(header(["", { children: ["x".repeat(50_000), {}] }]))).toBe(false);
  });
});
