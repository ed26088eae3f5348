// Identities (e-mail addresses, domains) are compared with equality only.
// Prisma's `mode: "insensitive"` turns a filter into an ILIKE pattern in
// which `_` and `%` match anything: "_lice@…" once signed in as "alice@…".
// This reads the source so that no such comparison comes back.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const SOURCE_DIRS = ["app", "features", "lib", "scripts", "prisma", "components"];
const IDENTITY = /email|address|domain|contact|alias|voucher|identifier/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|mjs)$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

function lines(file: string) {
  return readFileSync(path.join(root, file), "utf8")
    .split("\n")
    .map((text, index) => ({ where: `${file}:${index + 1}`, text }));
}

// Code only: comments may name what they warn against.
const all = SOURCE_DIRS.flatMap(sourceFiles)
  .flatMap(lines)
  .filter(({ text }) => !/^\s*(\/\/|\*|\/\*)/.test(text));

describe("identity comparisons", () => {
  it("use no case-insensitive pattern filter on an identity, and escape every other one", () => {
    const insensitive = all.filter(({ text }) => /mode:\s*["']insensitive["']/.test(text));
    const onIdentities = insensitive.filter(({ text }) => IDENTITY.test(text));
    const unescaped = insensitive.filter(({ text }) => !text.includes("literalPattern("));
    expect(onIdentities.map(({ where, text }) => `${where}: ${text.trim()}`)).toEqual([]);
    expect(unescaped.map(({ where, text }) => `${where}: ${text.trim()}`)).toEqual([]);
  });

  it("write no LIKE or ILIKE by hand", () => {
    const patterns = all.filter(({ text }) => /\b(I?LIKE)\b/.test(text));
    expect(patterns.map(({ where, text }) => `${where}: ${text.trim()}`)).toEqual([]);
  });

  it("catches the comparison that let `_lice@…` sign in as alice", () => {
    const offending = 'db.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } } })';
    expect(/mode:\s*["']insensitive["']/.test(offending) && IDENTITY.test(offending)).toBe(true);
  });
});
