import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAlias, isNode, parseDocument, visit } from "yaml";
import { csvRows, type ExportedMember, FORMATS, type ListFacts, oneLine } from "@/features/exports/formats";
import type { ExportFormat } from "@/generated/prisma/enums";
import { normalizeEmail } from "@/lib/email";

// Every format, fed random members whose names and addresses hold what
// breaks files: commas, quotes, angle brackets, newlines, formula starts,
// YAML's special words. Each file must read back to what went in.

const list: ListFacts = {
  project: "Kmesh",
  listName: 'Kmesh "private" distributors, list: #1',
  listAddress: "kmesh-distributors@lists.example.org",
};

const NASTY = [
  '"',
  "'",
  "\\",
  ",",
  ";",
  ":",
  ": ",
  "(",
  ")",
  "<",
  ">",
  "\n",
  "\r",
  "\t",
  "=",
  "+",
  "-",
  "@",
  "#",
  "&",
  "*",
  "!",
  "%",
  "|",
  "{",
  "}",
  "[",
  "]",
  "\0",
  "\u2028",
  "\u202e",
  "Ü",
  "日",
  " ",
];
const WORDS = [
  "no",
  "on",
  "off",
  "yes",
  "null",
  "~",
  "true",
  "*a",
  "&x",
  "!!str",
  "---",
  "...",
  "- x",
  "? q",
  "=SUM(A1)",
  "+1",
  "-1",
  "@cmd",
];

const nameArbitrary = fc.oneof(
  fc.constantFrom(...WORDS),
  fc
    .array(fc.oneof(fc.constantFrom(...NASTY), fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })), {
      maxLength: 8,
    })
    .map((parts) => parts.join("")),
);

const LOCAL_CHARS = "abcxyz019!#$%&'*+/=?^_`{|}~-".split("");
const localArbitrary = fc
  .tuple(
    fc.constantFrom("", "=", "+", "-", "---", "*", "&", "#", "!", "no", "null", "on"),
    fc.array(fc.constantFrom(...LOCAL_CHARS), { minLength: 1, maxLength: 10 }).map((chars) => chars.join("")),
  )
  .map(([start, rest]) => `${start}${rest}`);
const addressArbitrary = fc
  .tuple(localArbitrary, fc.constantFrom("acme.example", "globex.example", "xn--bcher-kva.example"))
  .map(([local, domain]) => normalizeEmail(`${local}@${domain}`))
  .filter((address): address is string => address !== null);

const membersArbitrary = fc
  .array(
    fc.record({
      distributionName: nameArbitrary,
      organisation: nameArbitrary,
      addresses: fc.uniqueArray(addressArbitrary, { minLength: 1, maxLength: 4 }),
    }),
    { maxLength: 6 },
  )
  .map((members) => {
    // An address is listed for one member only.
    const seen = new Set<string>();
    return members
      .map((member, index) => ({
        memberId: `m${index}`,
        distributionName: member.distributionName,
        organisation: member.organisation,
        website: "https://example.org",
        status: "ACTIVE" as const,
        contactEmail: `contact${index}@acme.example`,
        approvedAt: new Date("2026-01-02T03:04:05Z"),
        lastAttestedAt: null,
        addresses: member.addresses
          .filter((address) => !seen.has(address) && seen.add(address))
          .map((address) => ({ address, addedAt: new Date("2026-01-02T03:04:05Z") })),
      }))
      .filter((member) => member.addresses.length > 0) satisfies ExportedMember[];
  });

function file(format: ExportFormat, members: ExportedMember[]): string {
  const writer = FORMATS[format];
  const count = members.reduce((sum, member) => sum + member.addresses.length, 0);
  return (
    writer.head(list, count) +
    members.map((member, index) => writer.member(member, index, list)).join("") +
    writer.tail(count)
  );
}

const addressesOf = (members: ExportedMember[]) => members.flatMap((member) => member.addresses.map((a) => a.address));
const FORMULA_START = /^[=+\-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20]/;

describe("the CSV writer", () => {
  it("writes cells that parse back the same, formula starts neutralised with an apostrophe", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(nameArbitrary, fc.string()), { minLength: 1, maxLength: 4 }), { minLength: 1 }),
        (rows) => {
          const text = csvRows(rows);
          const parsed: string[][] = parseCsv(text, { relax_column_count: true });
          expect(parsed).toEqual(rows.map((row) => row.map((cell) => (FORMULA_START.test(cell) ? `'${cell}` : cell))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the Google Groups file", () => {
  it("has the Admin console header and one USER,MEMBER row per address", () => {
    fc.assert(
      fc.property(membersArbitrary, (members) => {
        const parsed: string[][] = parseCsv(file("GOOGLE_GROUPS", members));
        expect(parsed[0]).toEqual(["Group Email [Required]", "Member Email", "Member Type", "Member Role"]);
        const expected = addressesOf(members).map((address) => [
          list.listAddress,
          FORMULA_START.test(address) ? `'${address}` : address,
          "USER",
          "MEMBER",
        ]);
        expect(parsed.slice(1)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("starts with the header line exactly", () => {
    expect(file("GOOGLE_GROUPS", []).split("\n")[0]).toBe(
      "Group Email [Required],Member Email,Member Type,Member Role",
    );
  });
});

describe("the groups.yaml fragment", () => {
  it("parses back to the same group, without anchors, aliases or tags", () => {
    fc.assert(
      fc.property(membersArbitrary, (members) => {
        const document = parseDocument(file("GROUPS_YAML", members), { uniqueKeys: true });
        expect(document.errors).toEqual([]);
        expect(document.warnings).toEqual([]);
        visit(document, (_key, node) => {
          expect(isAlias(node)).toBe(false);
          if (isNode(node)) {
            expect(node.anchor).toBeUndefined();
            expect(node.tag).toBeUndefined();
          }
        });
        const data = document.toJS() as {
          groups: {
            "email-id": string;
            name: string;
            description: string;
            settings: Record<string, unknown>;
            members: string[];
          }[];
        };
        expect(data.groups).toHaveLength(1);
        const [group] = data.groups;
        expect(group?.["email-id"]).toBe(`${group?.name}@lists.example.org`);
        expect([...(group?.description ?? "")].length).toBeLessThanOrEqual(300);
        expect(group?.settings.ReconcileMembers).toBe("true");
        for (const value of Object.values(group?.settings ?? {})) expect(typeof value).toBe("string");
        expect(group?.members).toEqual(addressesOf(members));
        expect(new Set(group?.members).size).toBe(group?.members.length);
      }),
      { numRuns: 200 },
    );
  });

  it("lists an address that starts like a YAML document marker as one member", () => {
    // Found by the property above in CI: yaml printed "---a@…" alone as a block scalar.
    const addresses = ["---a@acme.example", "a@acme.example"];
    const [member] =
      fc.sample(
        membersArbitrary.filter((members) => members.length > 0),
        1,
      )[0] ?? [];
    if (!member) throw new Error("no sample");
    const text = file("GROUPS_YAML", [
      { ...member, addresses: addresses.map((address) => ({ address, addedAt: new Date(0) })) },
    ]);
    const document = parseDocument(text);
    expect(document.errors).toEqual([]);
    expect((document.toJS() as { groups: { members: string[] }[] }).groups[0]?.members).toEqual(addresses);
  });

  it("puts a comment naming each distribution above its addresses", () => {
    const [member] =
      fc.sample(
        membersArbitrary.filter((members) => members.length > 0),
        1,
      )[0] ?? [];
    if (!member) throw new Error("no sample");
    const text = file("GROUPS_YAML", [{ ...member, distributionName: "Acme: Mesh\n# not a key" }]);
    expect(text).toContain("      # Acme: Mesh # not a key\n      - ");
  });
});

describe("the Mailman file", () => {
  it("reads back through Python's email.utils.parseaddr (what addmembers uses) to each address and name", () => {
    const samples = fc.sample(membersArbitrary, 200).flat();
    const text = file("MAILMAN", samples);
    const lines = text.split("\n").filter((line) => line !== "");
    const subscribers = lines.filter((line) => !line.startsWith("#"));
    expect(lines.filter((line) => line.startsWith("#")).length).toBe(samples.length + 1);
    const parsed = JSON.parse(
      execFileSync(
        // Mailman runs under Debian's Python, whose parseaddr is the strict one.
        existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
        [
          "-c",
          "import sys, json\nfrom email.utils import parseaddr\nprint(json.dumps([parseaddr(line) for line in json.load(sys.stdin)]))",
        ],
        { input: JSON.stringify(subscribers) },
      ).toString(),
    ) as [string, string][];
    const expected = samples.flatMap((member) =>
      member.addresses.map(({ address }) => [oneLine(member.distributionName), address]),
    );
    expect(parsed).toEqual(expected);
  });
});

describe("the JSON file", () => {
  it("parses back to the members with status, contact, addresses and dates", () => {
    fc.assert(
      fc.property(membersArbitrary, (members) => {
        const data = JSON.parse(file("JSON", members));
        expect(data.list.address).toBe(list.listAddress);
        expect(data.members).toEqual(
          members.map((member) => ({
            distribution: member.distributionName,
            organisation: member.organisation,
            website: member.website,
            status: "ACTIVE",
            contact: member.contactEmail,
            approvedAt: "2026-01-02T03:04:05.000Z",
            lastAttestedAt: null,
            addresses: member.addresses.map(({ address }) => ({ address, addedAt: "2026-01-02T03:04:05.000Z" })),
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
