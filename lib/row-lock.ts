import { Prisma } from "@/generated/prisma/client";

// Row locks, the one place a `FOR UPDATE` is written: a locked row's changes
// happen one at a time, each transaction waiting for the one before it. (The
// outbox claims its batches with SKIP LOCKED: a queue's claim, not a lock.)

type Tx = Prisma.TransactionClient;

const table = (model: Prisma.ModelName) => Prisma.raw(`"${model}"`);

/**
 * Locks the rows of `model` that `where` selects, in the order of their ids
 * (so two transactions locking the same set cannot deadlock), and returns
 * their ids.
 */
export async function lockRows(tx: Tx, model: Prisma.ModelName, where: Prisma.Sql): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM ${table(model)} WHERE ${where} ORDER BY id FOR UPDATE`;
  return rows.map((row) => row.id);
}

/** Locks one row by its id; false when there is none. */
export async function lockRow(tx: Tx, model: Prisma.ModelName, id: string): Promise<boolean> {
  const [found] = await lockRows(tx, model, Prisma.sql`id = ${id}`);
  return found !== undefined;
}

/** Locks the row a mailed link's token hash names; its id, or null when there is none. */
export async function lockRowByTokenHash(tx: Tx, model: Prisma.ModelName, tokenHash: string): Promise<string | null> {
  const [found] = await lockRows(tx, model, Prisma.sql`"tokenHash" = ${tokenHash}`);
  return found ?? null;
}
