import { describe, expect, it } from "vitest";
import { CallbackPathSchema, SignInRequestSchema } from "@/features/auth/schema";
import { domainAndParents, normalizeDomain, normalizeEmail } from "@/lib/email";

describe("normalizeEmail", () => {
  it("trims, applies NFKC and lower-cases the whole address", () => {
    expect(normalizeEmail("  Dana.Scully@Umbrella.EXAMPLE ")).toBe("dana.scully@umbrella.example");
    // NFKC folds full-width letters to ASCII.
    expect(normalizeEmail("ｄａｎａ@umbrella.example")).toBe("dana@umbrella.example");
    expect(normalizeEmail("o'brien+kmesh@acme.example")).toBe("o'brien+kmesh@acme.example");
  });

  it("keeps `_` and `%` as the characters they are: another address, not a pattern", () => {
    expect(normalizeEmail("_lice@security.kmesh.example")).toBe("_lice@security.kmesh.example");
    expect(normalizeEmail("%@reviewers.example")).toBe("%@reviewers.example");
    expect(normalizeEmail("new_reviewer@kmesh.example")).not.toBe(normalizeEmail("new.reviewer@kmesh.example"));
  });

  it.each([
    ["a list", "a@x.example, b@y.example"],
    ["a semicolon list", "a@x.example;b@y.example"],
    ["a display name", "Dana <dana@umbrella.example>"],
    ["quotes", '"dana"@umbrella.example'],
    ["CR/LF (header injection)", "dana@umbrella.example\r\nBcc: all@victims.example"],
    ["a newline", "dana@umbrella.example\n"],
    ["a full-width at sign", "dana＠umbrella.example"],
    ["a small at sign", "dana﹫umbrella.example"],
    ["two at signs", "dana@evil@umbrella.example"],
    ["no domain", "dana@"],
    ["no local part", "@umbrella.example"],
    ["a domain without a dot", "dana@localhost"],
    ["a space", "da na@umbrella.example"],
    ["a zero-width space", "dana\u200b@umbrella.example"],
    ["a leading dot", ".dana@umbrella.example"],
    ["an empty string", "   "],
  ])("refuses %s", (_, input) => {
    expect(normalizeEmail(input)).toBeNull();
  });
});

describe("domains", () => {
  it("are lower-cased without a leading @, and refused when they are not plain domains", () => {
    expect(normalizeDomain(" @Umbrella.EXAMPLE ")).toBe("umbrella.example");
    expect(normalizeDomain("umbrella_.example")).toBeNull();
    expect(normalizeDomain("%.example")).toBeNull();
  });

  it("list a domain and its parents, for recusal", () => {
    expect(domainAndParents("eu.security.acme.example")).toEqual([
      "eu.security.acme.example",
      "security.acme.example",
      "acme.example",
    ]);
  });
});

describe("sign-in request", () => {
  it("accepts one address and a same-site path, refusing extra fields", () => {
    expect(SignInRequestSchema.parse({ email: "Dana@Umbrella.example", callbackUrl: "/apply" })).toEqual({
      email: "dana@umbrella.example",
      callbackUrl: "/apply",
    });
    expect(SignInRequestSchema.safeParse({ email: "dana@umbrella.example", role: "OWNER" }).success).toBe(false);
  });

  it("never keeps an off-site callback", () => {
    expect(CallbackPathSchema.parse("https://evil.example/")).toBe("/apply");
    expect(CallbackPathSchema.parse("//evil.example/")).toBe("/apply");
    expect(CallbackPathSchema.parse("/\\evil.example")).toBe("/apply");
    expect(CallbackPathSchema.parse("/applications/abc")).toBe("/applications/abc");
    // Nor a character that cannot go in a Location header (a NUL once gave a 500 and burned the link).
    expect(CallbackPathSchema.parse("/\u0001")).toBe("/apply");
    expect(CallbackPathSchema.parse("/apply\u0000")).toBe("/apply");
    expect(CallbackPathSchema.parse("/a b")).toBe("/apply");
  });
});
