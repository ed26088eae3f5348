// Fuzzing the input schemas (issue 12): every zod schema a feature's
// schema.ts exports (found by importing the modules, so a new one is covered
// without a line here), the schema factories and the parse… helpers, handed
// random and adversarial values: megabyte strings, NUL and the other control
// characters, lone surrogates, bidirectional overrides, CR/LF, wrong types,
// arrays where strings belong, nesting, extra fields, prototype-polluting keys.
//
// What must hold for every value:
// - parsing never throws, and finishes quickly (a generous bound: only
//   catastrophic backtracking on a megabyte would exceed it);
// - a refusal has at least one issue, and every issue a message;
// - what a form can send (the schema's own fields, as strings) is refused
//   only with the portal's own words, which the form shows beside the field;
//   zod's stock messages ("Invalid option: expected one of …") are accepted
//   only for what no form sends (a wrong type, an unknown field), where they
//   name the problem, and for the operator's configuration file, whose
//   loader prints each with its path;
// - nothing parsed holds a character the portal refuses in text (lib/input.ts);
// - nothing touches Object.prototype.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Criterion } from "@/features/portal-config/schema";
import { hasControlCharacters } from "@/lib/input";
import { config } from "@/test/helpers/fixtures";
import { adversarialString, anyValue, fuzzSeed, refusedString } from "@/test/helpers/fuzz-values";

const modules = import.meta.glob<Record<string, unknown>>("../../features/*/schema.ts", { eager: true });

/** Cases per schema, half of them anything at all and half shaped like its form. */
const CASES = Number(process.env.FUZZ_SCHEMA_CASES ?? 400);
/** A parse slower than this is a finding: linear work on a megabyte takes milliseconds. */
const SLOW_MS = 2_000;
const seed = fuzzSeed();

/** zod's own messages (its English locale), for an issue the schema gave no message of its own. */
const STOCK = /^(Invalid |Too big|Too small|Unrecognized key)/;
/**
 * Issues whose stock message names the problem well enough ("Unrecognized
 * key: "role"", "Invalid input: expected string, received array"): only a
 * hand-made request gets them, never a form's user.
 */
const STOCK_IS_CLEAR = new Set(["invalid_type", "unrecognized_keys"]);
/** Schemas of the operator's configuration file: its loader prints zod's messages with their paths. */
const OPERATOR_FACING = new Set([
  "portal-config/PortalConfigSchema",
  "portal-config/CriterionSchema",
  "portal-config/AdvisoryRulesSchema",
]);

const criteria: Criterion[] = config.criteria;
/** Schema factories, with what the portal calls them with. Every exported `…Schema`/`…schema` function needs a row. */
const FACTORIES: Record<string, unknown[]> = {
  "applications/draftSchema": [criteria],
  "applications/submissionSchema": [criteria],
  "attestations/attestationSchema": [criteria],
  "member-requests/addressChangeSchema": [["list@contact.example", "security@contact.example"]],
  "reviews/assessmentSchema": [criteria],
};

type Parsed = { output: unknown; messages: string[] };
type Failure = { ok: false; formError?: string; fieldErrors?: Record<string, string[]> };
type DraftParse = { ok: true; draft: unknown; refused: Record<string, string[]> } | Failure;
/** The parse… helpers pages and actions call, and what each answers. Every exported `parse…` function needs a row. */
const PARSERS: Record<string, { input: "form" | "params" | "value"; run: (fn: never, input: unknown) => Parsed }> = {
  "applications/parseDraftForSaving": {
    input: "form",
    run: (fn: (c: Criterion[], v: unknown) => DraftParse, input) => {
      const result = fn(criteria, input);
      return result.ok
        ? { output: result.draft, messages: Object.values(result.refused).flat() }
        : { output: undefined, messages: failureMessages(result) };
    },
  },
  "audit/parseAuditFilter": {
    input: "params",
    run: (fn: (p: unknown) => { filter: unknown; errors: Record<string, string> }, input) => {
      const { filter, errors } = fn(input);
      return { output: filter, messages: Object.values(errors) };
    },
  },
  "mail/parseOutboxFilter": {
    input: "params",
    run: (fn: (p: unknown) => { filter: unknown; toError?: string }, input) => {
      const { filter, toError } = fn(input);
      return { output: filter, messages: toError === undefined ? [] : [toError] };
    },
  },
  "members/parseMemberFilter": {
    input: "params",
    run: (fn: (p: unknown) => { filter: unknown; searchError?: string }, input) => {
      const { filter, searchError } = fn(input);
      return { output: filter, messages: searchError === undefined ? [] : [searchError] };
    },
  },
  "reviews/parseQueueFilter": {
    input: "params",
    run: (fn: (p: unknown) => { filter: unknown; searchError?: string }, input) => {
      const { filter, searchError } = fn(input);
      return { output: filter, messages: searchError === undefined ? [] : [searchError] };
    },
  },
  "advisories/parseMatrixFilter": {
    input: "params",
    run: (fn: (p: unknown) => unknown, input) => ({ output: fn(input), messages: [] }),
  },
  "exports/parseFormatSlug": {
    input: "value",
    run: (fn: (v: unknown) => string, input) => ({ output: fn(input), messages: [] }),
  },
};

function failureMessages(failure: Failure): string[] {
  return [
    ...(failure.formError === undefined ? [] : [failure.formError]),
    ...Object.values(failure.fieldErrors ?? {}).flat(),
  ];
}

type Target = { name: string; schema: z.ZodType; operator: boolean };

function discover(): { targets: Target[]; parsers: [string, (typeof PARSERS)[string], never][]; problems: string[] } {
  const targets: Target[] = [];
  const parsers: [string, (typeof PARSERS)[string], never][] = [];
  const problems: string[] = [];
  for (const [file, exports] of Object.entries(modules)) {
    const feature = file.split("/").at(-2) as string;
    let found = 0;
    for (const [name, value] of Object.entries(exports)) {
      const key = `${feature}/${name}`;
      if (value instanceof z.ZodType) {
        targets.push({ name: key, schema: value, operator: OPERATOR_FACING.has(key) });
        found++;
      } else if (typeof value === "function" && /[sS]chema$/.test(name)) {
        const args = FACTORIES[key];
        if (!args) {
          problems.push(`${key}: a schema factory without a row in FACTORIES`);
          continue;
        }
        const schema = (value as (...a: unknown[]) => unknown)(...args);
        if (!(schema instanceof z.ZodType)) problems.push(`${key}: did not return a zod schema`);
        else targets.push({ name: `${key}(…)`, schema, operator: false });
        found++;
      } else if (typeof value === "function" && /^parse[A-Z]/.test(name)) {
        const parser = PARSERS[key];
        if (!parser) problems.push(`${key}: a parse… helper without a row in PARSERS`);
        else parsers.push([key, parser, value as never]);
      }
    }
    if (found === 0) problems.push(`${file}: exports no zod schema`);
  }
  for (const key of [...Object.keys(FACTORIES), ...Object.keys(PARSERS)]) {
    const [feature, name] = key.split("/") as [string, string];
    if (!modules[`../../features/${feature}/schema.ts`]?.[name]) problems.push(`${key}: listed, but not exported`);
  }
  return { targets, parsers, problems };
}

/** The field names of an object schema, through its pipes, defaults and refinements; null for anything else. */
function fieldNames(schema: z.ZodType): string[] | null {
  let current = schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } };
  for (let depth = 0; depth < 10; depth++) {
    const def = current._zod.def;
    if (def.type === "object") return Object.keys(def.shape as object);
    if (def.type === "pipe") current = def.in as typeof current;
    else if (["optional", "default", "prefault", "catch", "nullable", "readonly"].includes(def.type))
      current = def.innerType as typeof current;
    else return null;
  }
  return null;
}

/** What a form posts for these fields: strings, some fields left out. */
function formShaped(names: string[] | null): fc.Arbitrary<unknown> {
  const value = fc.oneof(adversarialString(), refusedString());
  if (names === null) return value;
  return fc.record(Object.fromEntries(names.map((name) => [name, value])), { requiredKeys: [] });
}

/** Anything at all, and the form's fields holding wrong types, with extra and polluting fields. */
function anything(names: string[] | null): fc.Arbitrary<unknown> {
  if (names === null) return anyValue;
  return fc.oneof(
    anyValue,
    fc
      .tuple(
        fc.record(Object.fromEntries(names.map((name) => [name, anyValue])), { requiredKeys: [] }),
        fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype"), fc.string()), anyValue, {
          maxKeys: 3,
        }),
      )
      .map(([fields, extra]) => Object.assign(Object.create(null), extra, fields)),
    fc.constantFrom(...names).map((name) => JSON.parse(`{"__proto__":{"${name}":"polluted"},"${name}":["a","b"]}`)),
  );
}

/** Every string inside a parsed value that holds a character the portal refuses in text. */
function controlCharactersIn(value: unknown, path = "", seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return hasControlCharacters(value) ? [path || "(the value)"] : [];
  if (typeof value !== "object" || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([key, inner]) => controlCharactersIn(inner, `${path}.${key}`, seen));
}

const describeInput = (input: unknown) => {
  const text = (() => {
    try {
      return JSON.stringify(input) ?? String(input);
    } catch {
      return String(input);
    }
  })();
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
};

const figures = { schemas: 0, parsers: 0, cases: 0, throws: 0, unclear: 0, controls: 0, slowestMs: 0 };
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
let started = 0;

beforeAll(() => {
  started = performance.now();
});

afterAll(() => {
  const total = figures.schemas + figures.parsers;
  console.log(
    `fuzzing: ${figures.schemas} schemas and ${figures.parsers} parse helpers = ${total} × ${CASES} cases = ` +
      `${figures.cases} cases, ${figures.throws} throws, ${figures.unclear} unclear errors, ` +
      `${figures.controls} control characters let through, slowest parse ${figures.slowestMs.toFixed(0)} ms, ` +
      `seed ${seed}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

function timed<T>(run: () => T): T {
  const start = performance.now();
  try {
    return run();
  } finally {
    figures.slowestMs = Math.max(figures.slowestMs, performance.now() - start);
  }
}

/** Why this answer breaks a rule above, or null. */
function schemaFinding(target: Target, input: unknown): string | null {
  let result: z.ZodSafeParseResult<unknown>;
  try {
    result = timed(() => target.schema.safeParse(input));
  } catch (error) {
    figures.throws++;
    return `threw ${String(error).slice(0, 200)}`;
  }
  if (result.success) {
    const found = controlCharactersIn(result.data);
    figures.controls += found.length;
    return found.length ? `accepted control characters in ${found.join(", ")}` : null;
  }
  const { issues } = result.error;
  const unclear = issues.filter(
    (issue) =>
      typeof issue.message !== "string" ||
      issue.message.trim() === "" ||
      (STOCK.test(issue.message) && !target.operator && !STOCK_IS_CLEAR.has(issue.code)),
  );
  if (issues.length > 0 && unclear.length === 0) return null;
  figures.unclear++;
  return issues.length === 0
    ? "refused without an issue"
    : `refused with zod's stock message (no message of the portal's own): ${unclear
        .map((issue) => `${issue.code} at ${issue.path.join(".") || "(top)"}`)
        .join(", ")}`;
}

function parserFinding(run: (input: unknown) => Parsed, input: unknown): string | null {
  let parsed: Parsed;
  try {
    parsed = timed(() => run(input));
  } catch (error) {
    figures.throws++;
    return `threw ${String(error).slice(0, 200)}`;
  }
  const found = controlCharactersIn(parsed.output);
  figures.controls += found.length;
  if (found.length) return `let control characters through in ${found.join(", ")}`;
  const unclear = parsed.messages.filter((message) => message.trim() === "" || STOCK.test(message));
  if (unclear.length === 0) return null;
  figures.unclear++;
  return `answered with zod's stock message (no message of the portal's own) ${unclear.length} time(s)`;
}

function check(arbitrary: fc.Arbitrary<unknown>, finding: (input: unknown) => string | null, numRuns = CASES / 2) {
  try {
    fc.assert(
      fc.property(arbitrary, (input) => {
        figures.cases++;
        const problem = finding(input);
        if (problem) throw new Error(`${problem}\n  for ${describeInput(input)}`);
      }),
      { seed, numRuns },
    );
  } catch (error) {
    // fast-check prints the counterexample whole: a megabyte string is cut short.
    const { message, cause } = error as Error & { cause?: Error };
    const text = `${message}\n${cause?.message ?? ""}`;
    throw new Error(text.replace(/(.)\1{200,}/gs, (run, c) => `${c.repeat(20)}…(${run.length} in all)`));
  }
}

/** What a parse… helper is handed: a page's URL parameters (a repeated one is an array), a form's fields, or a value. */
function parserInput(kind: "form" | "params" | "value"): fc.Arbitrary<unknown> {
  if (kind === "value") return anyValue;
  if (kind === "form") {
    const draft = targets.find((target) => target.name === "applications/draftSchema(…)");
    return formShaped(draft ? fieldNames(draft.schema) : []);
  }
  const names = ["q", "status", "page", "subject", "actor", "action", "from", "to", "state", "mine", "stale", "format"];
  const value = fc.oneof(
    adversarialString(),
    refusedString(),
    fc.array(adversarialString({ huge: 0 }), { maxLength: 3 }),
    fc.constant(undefined),
  );
  return fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), value, { maxKeys: 6 });
}

const { targets, parsers, problems } = discover();

describe("the input schemas, fuzzed", () => {
  it("covers every schema of every feature's schema.ts, its factories and its parse… helpers", () => {
    expect(problems).toEqual([]);
    expect(targets.length).toBeGreaterThan(20);
  });

  for (const target of targets) {
    it(`${target.name}: any value is answered, never thrown, and refused clearly`, () => {
      figures.schemas++;
      const names = fieldNames(target.schema);
      check(anything(names), (input) => schemaFinding(target, input));
      check(formShaped(names), (input) => schemaFinding(target, input));
    });
  }

  for (const [name, parser, fn] of parsers) {
    it(`${name}: any value is answered, never thrown, and refused clearly`, () => {
      figures.parsers++;
      const run = (input: unknown) => parser.run(fn, input);
      check(parserInput(parser.input), (input) => parserFinding(run, input), CASES);
    });
  }

  it("finished every parse quickly and left Object.prototype alone", () => {
    expect(figures.slowestMs).toBeLessThan(SLOW_MS);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
