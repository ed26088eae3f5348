// Random and adversarial values for the fuzzing tests (test/security/fuzz-*.test.ts):
// strings spiced with what breaks naive code (NUL and the other C0 and C1
// controls, lone surrogates, bidirectional overrides, CR/LF, look-alike "@",
// markup, Flight's "$" escapes), strings of about a megabyte, values of the
// wrong type, and keys that pollute prototypes.
import fc from "fast-check";

/** Characters `textInput` (lib/input.ts) refuses: every one of them must be refused wherever it is typed. */
export const REFUSED_CHARACTERS = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\u0008",
  "\u000B",
  "\u000C",
  "\u001B",
  "\u001F",
  "\u007F",
  "\u0080",
  "\u0085",
  "\u009F",
  "\u2028",
  "\u2029",
  "\u202A",
  "\u202E",
  "\u2066",
  "\u2069",
];

const SPICE = [
  ...REFUSED_CHARACTERS,
  "\r\n",
  "\r",
  "\n",
  "\t",
  // Lone surrogates: not text at all in UTF-8.
  "\uD800",
  "\uDFFF",
  "\u200B",
  "\uFEFF",
  "\u0301",
  "＠",
  "@",
  "<script>alert(1)</script>",
  '"',
  "'",
  "\\",
  "/",
  "%00",
  "%0d%0a",
  "&",
  "=",
  "$",
  "$@0",
  "$F1",
  "$" + "{x}",
  "{}",
  "[]",
  "__proto__",
  "constructor",
  "../",
  "é",
  "𝔘",
  "٠",
  " ",
];

/** Values a field often expects, so that a mix sometimes gets past the first check. */
const PLAUSIBLE = [
  "",
  "on",
  "true",
  "false",
  "null",
  "undefined",
  "0",
  "-1",
  "7.5",
  "1e309",
  "NaN",
  "Infinity",
  "2026-02-30",
  "9999-99-99",
  "https://",
  "javascript:alert(1)",
  "a@b",
  "security@example.com",
  "example.com",
  "APPROVE",
  "OWNER",
  "approve",
  "confirm",
  "members:read",
  "json",
  "never",
  "date",
  "round",
  "last",
  "0".repeat(64),
  "cm0000000000000000000000x",
];

const spiced = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 16 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
      { weight: 3, arbitrary: fc.constantFrom(...SPICE) },
      { weight: 1, arbitrary: fc.constantFrom(...PLAUSIBLE) },
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((parts) => parts.join(""));

/** About a megabyte (either side of the portal's 1 MB request limit) of one repeated piece. */
export const hugeString = fc
  .tuple(
    fc.constantFrom("a", "\u0000", "é", "\r\n", "a@b.example,", "\u202E", "<>"),
    fc.integer({ min: 900_000, max: 1_100_000 }),
  )
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

/** A string of any kind: spiced, plausible, long, or about a megabyte (rarely). */
export function adversarialString({ huge = 1 }: { huge?: number } = {}): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: spiced },
    { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE) },
    { weight: 2, arbitrary: fc.tuple(spiced, fc.integer({ min: 2, max: 2_500 })).map(([s, n]) => s.repeat(n)) },
    ...(huge > 0 ? [{ weight: huge, arbitrary: hugeString }] : []),
  );
}

/**
 * An adversarial string that holds at least one character `textInput`
 * refuses, between two letters (at an edge, trimming would take some of them:
 * vertical tab, form feed, the line and paragraph separators).
 */
export function refusedString({ huge = 1 }: { huge?: number } = {}): fc.Arbitrary<string> {
  return fc
    .tuple(adversarialString({ huge }), fc.constantFrom(...REFUSED_CHARACTERS), fc.nat())
    .map(([text, character, at]) => {
      const index = text.length === 0 ? 0 : at % (text.length + 1);
      return `${text.slice(0, index)}x${character}x${text.slice(index)}`;
    });
}

/** Keys that pollute prototypes or confuse code that walks objects. */
export const POLLUTING_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];

const keys = fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string({ maxLength: 12 }), spiced);

/** Anything at all, as a parser or an action might be handed it: wrong types, nesting, arrays where strings belong. */
export const anyValue: fc.Arbitrary<unknown> = anyValueOf({ sendable: false });

/**
 * Anything at all; `sendable`: only what React's encodeReply can send a
 * server action (no null-prototype objects, no boxed primitives).
 */
export function anyValueOf({ sendable }: { sendable: boolean }): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: adversarialString() },
    { weight: 1, arbitrary: fc.array(adversarialString({ huge: 0 }), { maxLength: 4 }) },
    {
      weight: 3,
      arbitrary: fc.anything({
        key: keys,
        values: [adversarialString({ huge: 0 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
        maxDepth: 3,
        withBigInt: true,
        withBoxedValues: !sendable,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: !sendable,
        withObjectString: true,
        withSparseArray: true,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        JSON.parse('{"__proto__":{"polluted":"yes"}}'),
        JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
        sendable ? { length: 1 } : Object.create(null),
        [],
        {},
        null,
        undefined,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        -0,
        2 ** 53 + 1,
      ),
    },
  );
}

/** Names of fields a form never has, to add to one; `known` and Next's own `$ACTION…` fields excluded. */
export function unknownFieldName(known: string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(...POLLUTING_KEYS, "role", "ok", "id", "userId", "state"),
      fc.string({ maxLength: 12 }),
      spiced,
    )
    .filter((name) => !known.includes(name) && !name.startsWith("$ACTION") && name !== "__proto__");
}

/** The seed every run uses, so that a run in CI can be replayed exactly. */
export const DEFAULT_FUZZ_SEED = 20_261_128;

/** The seed of a run: FUZZ_SEED when given (another set of cases, or a failure to replay), otherwise the fixed one. */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${given}`);
    return seed;
  }
  return DEFAULT_FUZZ_SEED;
}
