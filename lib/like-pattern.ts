/**
 * Prisma's `mode: "insensitive"` filters (`equals`, `contains`, …) become
 * ILIKE patterns on Postgres, with the value unescaped: `_` and `%` in it
 * match anything. Every such filter passes its value through this, so that
 * it matches literally. Identities (addresses, domains) never use those
 * filters at all: they are stored normalised and compared with equality.
 */
export function literalPattern(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
