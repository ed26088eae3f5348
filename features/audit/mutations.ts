import { createHash } from "node:crypto";
import type { AuditAction } from "@/features/audit/events";
import type { AuditFilter } from "@/features/audit/schema";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

// One chain for the whole log: the lock serialises writers so that each
// event's prevHash is the hash of the event committed just before it.
const AUDIT_CHAIN_LOCK = 7_240_311;

/** Who did it: a signed-in person, someone holding a mailed link (no id), or the system. */
export type Actor = { id: string | null; email: string | null };

export const SYSTEM_ACTOR: Actor = { id: null, email: "system" };

export type AuditInput = {
  actor: Actor;
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  data?: Prisma.InputJsonObject;
};

type Chained = {
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Prisma.InputJsonObject;
  createdAt: Date;
};

/** The hash of one event: SHA-256 over the previous hash and the event's fields in a fixed order. */
export function hashAuditEvent(prevHash: string | null, event: Chained): string {
  const body = JSON.stringify([
    prevHash,
    event.actorId,
    event.actorEmail,
    event.action,
    event.subjectType,
    event.subjectId,
    canonical(event.data),
    event.createdAt.toISOString(),
  ]);
  return createHash("sha256").update(body).digest("hex");
}

/** Appends an event to the audit chain. Call it inside the transaction that makes the change. */
export async function recordAuditEvent(tx: Prisma.TransactionClient, input: AuditInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
  const previous = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const event: Chained = {
    actorId: input.actor.id,
    actorEmail: input.actor.email,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    data: input.data ?? {},
    createdAt: new Date(),
  };
  const prevHash = previous?.hash ?? null;
  return tx.auditEvent.create({
    data: { ...event, prevHash, hash: hashAuditEvent(prevHash, event) },
    select: { id: true, hash: true },
  });
}

/** Records that someone downloaded the audit log, and with which filter. */
export async function recordAuditExport(db: Database, actor: Actor, filter: AuditFilter) {
  const { page: _page, ...asked } = filter;
  const data = Object.fromEntries(Object.entries(asked).filter(([, value]) => value !== undefined));
  await db.$transaction((tx) =>
    recordAuditEvent(tx, { actor, action: "audit.exported", subjectType: "AuditLog", subjectId: "audit", data }),
  );
}

// Postgres JSONB does not keep key order, so the hash covers a sorted copy.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, canonical(inner)]),
    );
  }
  return value;
}
