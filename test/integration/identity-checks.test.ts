// The database's identity checks (is_normalised_email, are_normalised_emails,
// are_normalised_domains) were rewritten for speed by migration
// 20261128210000_faster_identity_checks: they must accept exactly what the
// first versions (20261128100000_normalised_identities) accepted. Both are
// run here on the same generated addresses and domains, biased to the edges
// (labels of 62 to 65 characters, local parts of 64 and 65, totals near 254,
// hyphens and dots at the ends, TLDs of 1, 2, 63 and 64 letters or digits).
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, MIGRATIONS_DIR, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: Database };
let client: pg.Client;

beforeAll(async () => {
  database = await createMigratedDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // The first versions, as that migration wrote them, under other names.
  const first = readFileSync(path.join(MIGRATIONS_DIR, "20261128100000_normalised_identities/migration.sql"), "utf8");
  const functions = [...first.matchAll(/CREATE FUNCTION "(\w+)"\([\s\S]*?AS \$fn\$[\s\S]*?\$fn\$;/g)];
  expect(functions.map((match) => match[1])).toEqual([
    "is_normalised_email",
    "are_normalised_emails",
    "are_normalised_domains",
  ]);
  for (const [text, name] of functions) await client.query(text.replace(`"${name}"`, `"first_${name}"`));
});
afterAll(async () => {
  await client?.end();
  await database.db.$disconnect();
  await database.drop();
});

const letters = "abcdefghijklmnopqrstuvwxyz";
/** A run of `length` characters drawn from `alphabet`, with an optional character forced at either end. */
const run = (alphabet: string, lengths: fc.Arbitrary<number>) =>
  fc
    .tuple(lengths, fc.array(fc.constantFrom(...alphabet), { minLength: 70, maxLength: 70 }))
    .map(([length, characters]) => characters.join("").repeat(4).slice(0, length));
const edgeLength = (edges: number[]) => fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: 12 }));
const label = fc
  .tuple(
    run(`${letters}0123456789----`, edgeLength([0, 1, 2, 61, 62, 63, 64, 65])),
    fc.constantFrom("", "", "", "-", "A", "_"),
    fc.constantFrom("", "", "", "-", "9", "é"),
  )
  .map(([middle, start, end]) => `${start}${middle}${end}`);
/** A label that is valid unless its length is not: letters and digits, hyphens only inside. */
const plainLabel = fc
  .tuple(
    run(`${letters}0123456789-`, edgeLength([0, 61, 62, 63, 64])),
    fc.constantFrom(...letters),
    fc.constantFrom("7", "z"),
  )
  .map(([middle, start, end]) => `${start}${middle}${end}`);
const plainDomain = fc
  .tuple(fc.array(plainLabel, { minLength: 1, maxLength: 3 }), run(letters, edgeLength([2, 3, 63, 64])))
  .map(([labels, top]) => [...labels, top].join("."));
const tld = fc.oneof(
  run(letters, edgeLength([0, 1, 2, 3, 62, 63, 64])),
  run(`${letters}01`, fc.integer({ min: 1, max: 4 })),
  fc.constantFrom("com", "example", "c", "co1", "-co", "CO"),
);
const domain = fc
  .tuple(fc.array(label, { minLength: 0, maxLength: 4 }), tld, fc.constantFrom("", "", "", ".", ".."))
  .map(([labels, top, trailing]) => [...labels, top].join(".") + trailing);
const localPart = fc.oneof(
  run(`${letters}0123456789!#$%&'*+/=?^_\`{|}~-`, edgeLength([1, 63, 64, 65, 66])),
  fc
    .array(run(`${letters}09+-_`, fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join(".")),
  fc.constantFrom("", "A", "a b", 'a"b', "a@b", ".a", "a.", "a..b", "é", "a\\b"),
);
const plainLocal = run(`${letters}0123456789!#$%&'*+/=?^_\`{|}~-`, edgeLength([1, 63, 64, 65]));
const address = fc.oneof(
  { arbitrary: fc.tuple(plainLocal, plainDomain).map(([local, at]) => `${local}@${at}`), weight: 4 },
  fc.tuple(localPart, domain).map(([local, at]) => `${local}@${at}`),
  // Near the 254-character limit.
  fc.tuple(fc.integer({ min: 240, max: 258 }), localPart, domain).map(([total, local, at]) => {
    const filler = `${"a".repeat(60)}.`.repeat(5);
    const padded = `${local}@${filler}${at}`;
    return padded.length > total ? padded : `${local}@${filler.slice(0, total - padded.length)}${filler}${at}`;
  }),
  fc.tuple(localPart, domain, domain).map(([local, one, two]) => `${local}@${one}@${two}`),
  domain,
);

async function disagreements(fn: string, values: readonly string[], arrays = false) {
  const argument = arrays ? "ARRAY[value]" : "value";
  const { rows } = await client.query<{ value: string; first: boolean; now: boolean }>(
    `SELECT value, "first_${fn}"(${argument}) AS first, "${fn}"(${argument}) AS now
       FROM unnest($1::text[]) AS value`,
    [values],
  );
  const accepted = rows.filter((row) => row.now).length;
  return { differing: rows.filter((row) => row.first !== row.now), accepted };
}

describe("the database's identity checks", () => {
  it("accept exactly the addresses and domains their first versions accepted", async () => {
    const addresses = fc.sample(address, { numRuns: 20_000, seed: 20261128 });
    const domains = fc.sample(fc.oneof(plainDomain, domain), { numRuns: 10_000, seed: 20261129 });
    const known = ["security@acme.example", `${"a".repeat(64)}@${"b".repeat(63)}.example`, "x@y.co"];
    for (const [fn, values, arrays] of [
      ["is_normalised_email", [...known, ...addresses], false],
      ["are_normalised_emails", [...known, ...addresses], true],
      ["are_normalised_domains", ["acme.example", `${"b".repeat(63)}.example`, ...domains], true],
    ] as const) {
      const { differing, accepted } = await disagreements(fn, values, arrays);
      expect(differing, fn).toEqual([]);
      // Both kinds of answer were asked for, in numbers.
      expect(accepted, `${fn} accepted`).toBeGreaterThan(values.length / 20);
      expect(values.length - accepted, `${fn} refused`).toBeGreaterThan(values.length / 20);
    }
  });

  it("still refuse a label of 64 characters and accept one of 63, in an address and in a domain", async () => {
    const { rows } = await client.query<{ [key: string]: boolean }>(
      `SELECT is_normalised_email($1) AS long_label, is_normalised_email($2) AS label_63,
              are_normalised_domains(ARRAY[$3]) AS long_domain_label, are_normalised_domains(ARRAY[$4]) AS domain_63`,
      [`a@${"b".repeat(64)}.example`, `a@${"b".repeat(63)}.example`, `x.${"c".repeat(64)}`, `x.${"c".repeat(63)}`],
    );
    expect(rows[0]).toEqual({ long_label: false, label_63: true, long_domain_label: false, domain_63: true });
  });
});
