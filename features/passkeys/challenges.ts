import type { Database } from "@/lib/prisma";

// WebAuthn challenges live in the database, so that any instance can check
// the answer to one another instance issued. Each is bound to what it was
// issued for (and, for a registration or the passkey step, to the person),
// lives five minutes, and is used once: consuming it is a DELETE that
// returns the row, so a replay, or a second answer sent in parallel, finds
// nothing.

export const CHALLENGE_MINUTES = 5;

export type ChallengePurpose = "registration" | "sign-in" | "step";

type Db = Pick<Database, "webAuthnChallenge" | "$queryRaw">;

/** Keeps a challenge just issued; challenges expired a while ago are swept on the way. */
export async function storeChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
): Promise<void> {
  await db.webAuthnChallenge.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 60_000) } } });
  await db.webAuthnChallenge.create({
    data: { challenge, purpose, userId, expiresAt: new Date(Date.now() + CHALLENGE_MINUTES * 60_000) },
  });
}

export type ChallengeUse = "ok" | "expired" | "unknown";

/**
 * Uses up the challenge if it was issued for this purpose (and person): "ok";
 * "expired" when it was but its five minutes are over; "unknown" when there
 * is no such challenge (never issued, used already, or someone else's).
 */
export async function consumeChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
): Promise<ChallengeUse> {
  if (!challenge || challenge.length > 200) return "unknown";
  const rows = await db.$queryRaw<{ expiresAt: Date }[]>`
    DELETE FROM "WebAuthnChallenge"
     WHERE challenge = ${challenge} AND purpose = ${purpose} AND "userId" IS NOT DISTINCT FROM ${userId}
    RETURNING "expiresAt"`;
  const row = rows[0];
  if (!row) return "unknown";
  return row.expiresAt.getTime() > Date.now() ? "ok" : "expired";
}

/** The challenge a ceremony's clientDataJSON answers (base64url JSON), or "" when it cannot be read. */
export function challengeOf(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    return typeof parsed.challenge === "string" ? parsed.challenge : "";
  } catch {
    return "";
  }
}
