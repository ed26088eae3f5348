// The rules of features/README.md and STYLE.md that a reader should not have
// to police by hand: the features' layers, the guard every server action
// starts with, and no Prisma under app/.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The layer of each feature, from the numbered list in features/README.md (1 is the lowest). */
function documentedLayers(): Map<string, number> {
  const layers = new Map<string, number>();
  for (const line of read("features/README.md").split("\n")) {
    const match = line.match(/^(\d+)\. (.*)$/);
    if (!match) continue;
    for (const [, name] of (match[2] ?? "").matchAll(/`([a-z-]+)`/g)) layers.set(name as string, Number(match[1]));
  }
  return layers;
}

function featureImports(): { from: string; to: string; file: string }[] {
  return sourceFiles("features").flatMap((file) => {
    const from = file.split(path.sep)[1] as string;
    return [...read(file).matchAll(/from "@\/features\/([a-z-]+)\//g)]
      .map((match) => match[1] as string)
      .filter((to) => to !== from)
      .map((to) => ({ from, to, file }));
  });
}

describe("features", () => {
  it("are each placed in a layer in features/README.md", () => {
    const folders = readdirSync(path.join(root, "features"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect([...documentedLayers().keys()].sort()).toEqual(folders);
  });

  it("import only features in lower layers", () => {
    const layers = documentedLayers();
    const upward = featureImports()
      .filter(({ from, to }) => (layers.get(to) ?? 0) >= (layers.get(from) ?? 0))
      .map(
        ({ from, to, file }) => `${file}: ${from} (layer ${layers.get(from)}) imports ${to} (layer ${layers.get(to)})`,
      );
    expect(upward).toEqual([]);
  });

  it("catch a feature that imports one above it", () => {
    const layers = new Map([
      ["recusal", 1],
      ["members", 3],
      ["workflow", 4],
      ["reviews", 7],
    ]);
    const upward = [
      { from: "workflow", to: "reviews" },
      { from: "members", to: "recusal" },
      { from: "recusal", to: "members" },
    ].filter(({ from, to }) => (layers.get(to) ?? 0) >= (layers.get(from) ?? 0));
    expect(upward).toEqual([
      { from: "workflow", to: "reviews" },
      { from: "recusal", to: "members" },
    ]);
  });
});

const GUARDS = ["requireTeam(", "requireUser(", "requireUserPage(", "requireLinkToken("];

/**
 * Each export of a server-action file, with the first statement of its body,
 * read by TypeScript's parser (a type literal in the signature cannot fool it).
 */
function actionsWithFirstStatement(file: string): { name: string; first: string }[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const firstOf = (body: ts.Node | undefined) =>
    body && ts.isBlock(body) ? (body.statements[0]?.getText(source) ?? "") : (body?.getText(source) ?? "");
  const actions: { name: string; first: string }[] = [];
  for (const statement of source.statements) {
    if (!exported(statement)) continue;
    if (ts.isFunctionDeclaration(statement)) {
      actions.push({ name: statement.name?.text ?? "default", first: firstOf(statement.body) });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer;
        const body = value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) ? value.body : value;
        actions.push({ name: declaration.name.getText(source), first: firstOf(body) });
      }
    }
  }
  return actions;
}

describe("server actions", () => {
  const files = sourceFiles("features").filter(
    (file) => file.endsWith("actions.ts") && /^["']use server["']/m.test(read(file)),
  );

  it("all live in files that say so", () => {
    const elsewhere = sourceFiles("features")
      .concat(sourceFiles("app"))
      .filter((file) => !file.endsWith("actions.ts") && /^["']use server["']/m.test(read(file)));
    expect(elsewhere).toEqual([]);
  });

  it("each start with a guard from features/auth/guards.ts", () => {
    const actions = files.flatMap((file) => actionsWithFirstStatement(file).map((action) => ({ ...action, file })));
    expect(actions.length).toBeGreaterThan(10);
    const unguarded = actions
      .filter(({ first }) => !GUARDS.some((guard) => first.includes(guard)))
      .map(({ file, name, first }) => `${file}: ${name} starts with "${first}"`);
    expect(unguarded).toEqual([]);
  });
});

describe("app/", () => {
  it("imports no Prisma: reads go through data.ts, writes through mutations.ts", () => {
    const prisma = sourceFiles("app").filter((file) =>
      /from ["'](@prisma\/client|@\/generated\/prisma[^"']*|@\/lib\/(db|prisma))["']/.test(read(file)),
    );
    expect(prisma).toEqual([]);
  });
});

describe("row locks", () => {
  it("are taken through lib/row-lock.ts, never by a hand-written FOR UPDATE (a queue's SKIP LOCKED claim aside)", () => {
    const written = [...sourceFiles("features"), ...sourceFiles("lib"), ...sourceFiles("app")]
      .filter((file) => file !== path.join("lib", "row-lock.ts"))
      .filter((file) => /FOR UPDATE(?! SKIP LOCKED)/.test(read(file)));
    expect(written).toEqual([]);
  });
});
