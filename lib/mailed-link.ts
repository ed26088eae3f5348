import type { Prisma } from "@/generated/prisma/client";
import { type ActionFailure, failure } from "@/lib/action-result";
import { lockRowByTokenHash } from "@/lib/row-lock";
import { hashToken, looksLikeToken } from "@/lib/tokens";

// A mailed link (an address to confirm, a vouch, a handover, an attestation)
// is redeemed in one way: its row found by the token's hash under a row lock,
// then refused when used, expired or closed, each with its flow's answer,
// and marked used by the caller in the same transaction. What each flow's
// link is, and what it answers, is the flow's `LinkKind`.

type Tx = Prisma.TransactionClient;

export type LinkCheck = "used" | "expired" | "closed";

export type LinkKind<Link> = {
  /** The table of the links; its rows have a unique `tokenHash`. */
  table: Prisma.ModelName;
  /**
   * Locks the link's row (by default that alone) and returns its id. A kind
   * whose writers lock a parent row first (the member) locks it first too.
   */
  lock?: (tx: Tx, tokenHash: string) => Promise<string | null>;
  /** Reads the locked link with what its checks and its flow need (taking any parent's lock); null answers `unknown`. */
  load: (tx: Tx, id: string) => Promise<Link | null>;
  used: (link: Link) => boolean;
  expired: (link: Link, now: Date) => boolean;
  closed: (link: Link) => boolean;
  /** The checks in the order the flow has always made them (by default used, expired, closed). */
  order?: readonly LinkCheck[];
  answers: { unknown: string; used: string; expired: string; closed: string | ((link: Link) => string) };
};

const ORDER: readonly LinkCheck[] = ["used", "expired", "closed"];

/** Why the link cannot be redeemed now, if it cannot: the first check it fails, in the kind's order. */
export function linkRefusal<Link>(kind: LinkKind<Link>, link: Link, now = new Date()): string | null {
  for (const check of kind.order ?? ORDER) {
    if (check === "used" && kind.used(link)) return kind.answers.used;
    if (check === "expired" && kind.expired(link, now)) return kind.answers.expired;
    if (check === "closed" && kind.closed(link)) {
      const { closed } = kind.answers;
      return typeof closed === "function" ? closed(link) : closed;
    }
  }
  return null;
}

/**
 * Redeems a mailed link inside the caller's transaction: locks its row,
 * reads it, and refuses an unknown, used, expired or closed one with the
 * kind's answer. The caller makes its own further checks and marks the link
 * used before the transaction commits; a second redemption waits on the lock
 * and then finds it used.
 */
export async function redeemLink<Link>(
  tx: Tx,
  kind: LinkKind<Link>,
  token: string,
): Promise<{ ok: true; link: Link } | ActionFailure> {
  const tokenHash = hashToken(token);
  const id = kind.lock ? await kind.lock(tx, tokenHash) : await lockRowByTokenHash(tx, kind.table, tokenHash);
  const link = id === null ? null : await kind.load(tx, id);
  if (link === null) return failure(kind.answers.unknown);
  const refusal = linkRefusal(kind, link);
  return refusal ? failure(refusal) : { ok: true, link };
}

/**
 * The one read of a link by its token, for the page a GET shows (never
 * redeeming it): null for anything that is not a token, or names no link.
 */
export async function readLinkByToken<T>(
  token: string,
  read: (where: { tokenHash: string }) => Promise<T | null>,
): Promise<T | null> {
  if (!looksLikeToken(token)) return null;
  return read({ tokenHash: hashToken(token) });
}

/** A kind of link, its `Link` type inferred from what `load` returns. */
export function linkKind<Link>(kind: LinkKind<Link>): LinkKind<Link> {
  return kind;
}
