import { describe, expect, it } from "vitest";
import { isSameOrigin } from "@/features/auth/origin";

const post = (headers: Record<string, string>) =>
  new Request("http://portal.test/signin/link", { method: "POST", headers: { host: "portal.test", ...headers } });

describe("a state-changing request", () => {
  it("from a page of this site passes, also when the page's referrer policy hides its origin", () => {
    expect(isSameOrigin(post({ "sec-fetch-site": "same-origin", origin: "http://portal.test" }))).toBe(true);
    expect(isSameOrigin(post({ "sec-fetch-site": "same-origin", origin: "null" }))).toBe(true);
    expect(isSameOrigin(post({ origin: "http://portal.test" }))).toBe(true);
  });

  it("from another site is refused, whatever Origin it shows", () => {
    expect(isSameOrigin(post({ "sec-fetch-site": "cross-site", origin: "http://portal.test" }))).toBe(false);
    expect(isSameOrigin(post({ "sec-fetch-site": "same-site" }))).toBe(false);
    expect(isSameOrigin(post({ origin: "https://evil.example" }))).toBe(false);
    expect(isSameOrigin(post({ origin: "null" }))).toBe(false);
  });

  it("from no browser at all (no Sec-Fetch-Site, no Origin) is no forgery and passes", () => {
    expect(isSameOrigin(post({}))).toBe(true);
  });
});
