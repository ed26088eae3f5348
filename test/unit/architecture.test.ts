// The rules of features/README.md and STYLE.md that a reader should not have
// to police by hand: the features' layers, the action wrapper every server
// action is made with, and no Prisma under app/.
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

const WRAPPERS = ["teamAction", "userAction", "linkAction"];
const WRAPPER_MODULE = "@/features/auth/action";

/**
 * The exports of a server-action file that are not made by the action
 * wrapper (`export const x = teamAction(…)`, with teamAction imported from
 * features/auth/action.ts), read by TypeScript's parser. Types are erased, so
 * they may be exported too.
 */
function exportsNotWrapped(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const wrappers = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
    if ((statement.moduleSpecifier as ts.StringLiteral).text !== WRAPPER_MODULE) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (WRAPPERS.includes(imported) && !element.isTypeOnly) wrappers.add(element.name.text);
    }
  }
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some(
      (m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword,
    );
  const wrapped = (value: ts.Expression | undefined) =>
    value !== undefined && ts.isCallExpression(value) && ts.isIdentifier(value.expression)
      ? wrappers.has(value.expression.text)
      : false;
  const problems: string[] = [];
  for (const statement of source.statements) {
    const line = statement.getText(source).split("\n")[0];
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      if (!(ts.isExportDeclaration(statement) && statement.isTypeOnly)) problems.push(`${file}: ${line}`);
      continue;
    }
    if (!exported(statement) || ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) continue;
    if (!ts.isVariableStatement(statement)) {
      problems.push(`${file}: ${line}`);
      continue;
    }
    for (const declaration of statement.declarationList.declarations) {
      if (!wrapped(declaration.initializer)) problems.push(`${file}: ${declaration.name.getText(source)}`);
    }
  }
  return problems;
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

  it('are the only thing a file named actions.ts holds: each such file says "use server"', () => {
    const named = sourceFiles("features").filter((file) => file.endsWith("/actions.ts"));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((file) => !files.includes(file))).toEqual([]);
  });

  it("are each made by the action wrapper of features/auth/action.ts", () => {
    const actions = files.flatMap((file) => [...read(file).matchAll(/^export const \w+ = (team|user|link)Action\(/gm)]);
    expect(actions.length).toBeGreaterThan(30);
    expect(files.flatMap((file) => exportsNotWrapped(file, read(file)))).toEqual([]);
  });

  it("catch an action written without the wrapper", () => {
    const imports = `"use server";\nimport { teamAction } from "${WRAPPER_MODULE}";\n`;
    const wrapped = 'export const okAction = teamAction("OWNER", Schema, run);\nexport type State = { ok: boolean };\n';
    expect(exportsNotWrapped("good.ts", imports + wrapped)).toEqual([]);
    const handWritten = [
      "export async function castVoteAction(_previous: State, form: FormData) {\n  const viewer = await requireTeam();\n}",
      "export const arrowAction = async (form: FormData) => requireUser();",
      "export const renamedAction = userAction(Schema, run);",
      "const hidden = async () => {};\nexport { hidden };",
      "export default async function defaultAction() {}",
    ];
    expect(exportsNotWrapped("bad.ts", imports + handWritten.join("\n"))).toEqual([
      "bad.ts: export async function castVoteAction(_previous: State, form: FormData) {",
      "bad.ts: arrowAction",
      "bad.ts: renamedAction",
      "bad.ts: export { hidden };",
      "bad.ts: export default async function defaultAction() {}",
    ]);
    // The same name defined in the file, not the wrapper, is no wrapper.
    expect(
      exportsNotWrapped("local.ts", `"use server";\nconst teamAction = (...a: unknown[]) => a;\n${wrapped}`),
    ).toEqual(["local.ts: okAction"]);
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

describe("files", () => {
  it("are at most 250 lines, or say at their top why they are longer", () => {
    const long = ["app", "features", "lib", "components", "scripts", "prisma"]
      .flatMap(sourceFiles)
      .concat("proxy.ts")
      .filter((file) => {
        const lines = read(file).split("\n");
        return lines.length > 251 && !lines.slice(0, 5).some((line) => line.includes("Longer than 250 lines"));
      });
    expect(long).toEqual([]);
  });
});
