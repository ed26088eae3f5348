import "server-only";
import { readStanding, refusalToAdd, refusalToRemove, refusalToRename } from "@/features/passkeys/rules";
import { currentSessionTokenHash } from "@/features/passkeys/session";
import { getDb } from "@/lib/db";
import type { Database } from "@/lib/prisma";

/** One passkey as /account shows it: never its key or credential id. */
export type PasskeyRow = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  deviceType: string;
  backedUp: boolean;
};

export type PasskeyAccount = {
  passkeys: PasskeyRow[];
  teamBound: boolean;
  /** Whether this session proved a passkey. */
  proved: boolean;
  /** Why each change is refused on this session, or null when it is allowed. */
  refusals: { add: string | null; rename: string | null; remove: string | null };
};

/** A person's passkeys, newest first, and what they may change on the session whose token hashes to `sessionTokenHash`. */
export async function readPasskeyAccount(
  db: Database,
  person: { id: string; email: string },
  sessionTokenHash: string,
): Promise<PasskeyAccount> {
  const passkeys = await db.passkey.findMany({
    where: { userId: person.id },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, deviceType: true, backedUp: true },
  });
  const standing = await readStanding(db, person, sessionTokenHash);
  return {
    passkeys,
    teamBound: standing.teamBound,
    proved: standing.passkeyAt !== null,
    refusals: { add: refusalToAdd(standing), rename: refusalToRename(standing), remove: refusalToRemove(standing) },
  };
}

/** The signed-in person's passkeys, on this request's session. */
export async function readPasskeyAccountNow(person: { id: string; email: string }): Promise<PasskeyAccount> {
  return readPasskeyAccount(getDb(), person, await currentSessionTokenHash());
}
