import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPortalConfig, PortalConfigError } from "@/features/portal-config/load";

const root = path.resolve(import.meta.dirname, "../..");

async function writeConfig(config: unknown): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "portal-config-"));
  await writeFile(path.join(directory, "embargo.md"), "Keep it secret.\n");
  await writeFile(path.join(directory, "contributing.md"), "Review patches.\n");
  const file = path.join(directory, "portal.config.json");
  await writeFile(file, typeof config === "string" ? config : JSON.stringify(config));
  return file;
}

const minimal = {
  project: "Example",
  listName: "Example distributors list",
  listAddress: "list@example.org",
  securityTeamAddress: "security@example.org",
  sourceDocuments: [],
  policy: { embargo: "embargo.md", contributingBack: "contributing.md" },
  criteria: [
    { key: "alias", title: "Alias", guidance: "Name it.", kind: "alias" },
    { key: "accept", title: "Accept", guidance: "Tick it.", kind: "acceptance", policy: "embargo" },
    { key: "vouch", title: "Vouch", guidance: "Ask a member.", kind: "vouch" },
  ],
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PortalConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("portal configuration", () => {
  it("serves Kmesh's eight criteria by default, with its policy texts", () => {
    const config = loadPortalConfig(path.join(root, "portal.config.json"));
    expect(config.project).toBe("Kmesh");
    expect(config.listAddress).toBe("kmesh-security-vulnerability@googlegroups.com");
    expect(config.quorum).toBe(2);
    expect(config.criteria.map((criterion) => criterion.kind)).toEqual([
      "alias",
      "evidence",
      "evidence",
      "evidence",
      "evidence",
      "acceptance",
      "acceptance",
      "vouch",
    ]);
    expect(config.policy.embargo).toMatch(/need/);
    expect(config.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it("has a Kubernetes variant with nine items, including CNCF certification", () => {
    const config = loadPortalConfig(path.join(root, "portal.kubernetes.config.json"));
    expect(config.criteria).toHaveLength(9);
    expect(config.criteria.map((criterion) => criterion.key)).toContain("cncf-certified");
    expect(config.listAddress).toBe("distributors-announce@kubernetes.io");
    expect(config.policy.embargo).toMatch(/kube-apiserver/);
    expect(config.version).not.toBe(loadPortalConfig(path.join(root, "portal.config.json")).version);
  });

  it("versions the criteria and policy text: any change to either gives a new version", async () => {
    const base = loadPortalConfig(await writeConfig(minimal));
    expect(loadPortalConfig(await writeConfig(minimal)).version).toBe(base.version);
    const retitled = {
      ...minimal,
      criteria: minimal.criteria.map((c) => (c.key === "alias" ? { ...c, title: "Alias!" } : c)),
    };
    expect(loadPortalConfig(await writeConfig(retitled)).version).not.toBe(base.version);
    const file = await writeConfig(minimal);
    await writeFile(path.join(path.dirname(file), "embargo.md"), "Keep it very secret.\n");
    expect(loadPortalConfig(file).version).not.toBe(base.version);
  });

  it("takes a minimum answer length for evidence criteria only, without changing the version", async () => {
    const withEvidence = {
      ...minimal,
      criteria: [
        ...minimal.criteria,
        { key: "downstream", title: "Not a rebuild", guidance: "Say so.", kind: "evidence" },
      ],
    };
    const base = loadPortalConfig(await writeConfig(withEvidence));
    const short = {
      ...withEvidence,
      criteria: withEvidence.criteria.map((c) => (c.key === "downstream" ? { ...c, minAnswerLength: 1 } : c)),
    };
    const loaded = loadPortalConfig(await writeConfig(short));
    expect(loaded.criteria.find((c) => c.key === "downstream")?.minAnswerLength).toBe(1);
    expect(loaded.version).toBe(base.version);
    const misplaced = {
      ...minimal,
      criteria: minimal.criteria.map((c) => (c.key === "vouch" ? { ...c, minAnswerLength: 5 } : c)),
    };
    const file = await writeConfig(misplaced);
    expect(problemsOf(() => loadPortalConfig(file))).toEqual([
      'criteria[2].minAnswerLength: only an "evidence" criterion has an answer with a minimum length',
    ]);
  });

  it("explains every problem in a bad configuration, naming where it is", async () => {
    const bad = {
      ...minimal,
      listAddress: "not an address",
      quorum: 0,
      extra: true,
      criteria: [
        { key: "Alias", title: "", guidance: "Name it.", kind: "alias" },
        { key: "dup", title: "One", guidance: "x", kind: "evidence" },
        { key: "dup", title: "Two", guidance: "x", kind: "telepathy" },
        { key: "accept", title: "Accept", guidance: "Tick it.", kind: "acceptance" },
      ],
    };
    const file = await writeConfig(bad);
    expect(problemsOf(() => loadPortalConfig(file))).toEqual([
      "listAddress: Invalid email address",
      "quorum: Too small: expected number to be >=1",
      "criteria[0].key: must be lower-case letters, digits and dashes, starting with a letter",
      "criteria[0].title: Too small: expected string to have >=1 characters",
      'criteria[2].kind: Invalid option: expected one of "alias"|"evidence"|"acceptance"|"vouch"',
      '(top level): Unrecognized key: "extra"',
    ]);
  });

  it("checks the criteria as a set once each one is well formed", async () => {
    const file = await writeConfig({
      ...minimal,
      criteria: [
        { key: "dup", title: "One", guidance: "x", kind: "evidence" },
        { key: "dup", title: "Two", guidance: "x", kind: "evidence" },
        { key: "accept", title: "Accept", guidance: "Tick it.", kind: "acceptance" },
        { key: "alias", title: "Alias", guidance: "x", kind: "alias" },
        { key: "alias-2", title: "Alias", guidance: "x", kind: "alias" },
      ],
    });
    expect(problemsOf(() => loadPortalConfig(file))).toEqual([
      'criteria[1].key: duplicate key "dup"',
      'criteria[2].policy: an acceptance criterion names the policy it accepts ("embargo" or "contributingBack")',
      'criteria: needs exactly one "alias" criterion, found 2',
      'criteria: needs exactly one "vouch" criterion, found 0',
    ]);
  });

  it("names the file when it is missing, is not JSON, or points at a missing policy text", async () => {
    expect(problemsOf(() => loadPortalConfig("/nonexistent/portal.config.json"))).toEqual(["file not found"]);
    const notJson = await writeConfig("{ project: Kmesh");
    expect(problemsOf(() => loadPortalConfig(notJson))[0]).toMatch(/JSON/);
    const missingPolicy = await writeConfig({ ...minimal, policy: { ...minimal.policy, embargo: "gone.md" } });
    expect(problemsOf(() => loadPortalConfig(missingPolicy))).toEqual([
      `policy.embargo: ${path.join(path.dirname(missingPolicy), "gone.md")} cannot be read`,
    ]);
    expect(() => loadPortalConfig(missingPolicy)).toThrow(missingPolicy);
  });
});
