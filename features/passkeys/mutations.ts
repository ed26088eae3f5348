import { randomBytes } from "node:crypto";
import { recordAuditEvent } from "@/features/audit/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import { PASSKEY_MESSAGES, verifyAssertion, verifyRegistration } from "@/features/passkeys/ceremonies";
import type { RelyingParty } from "@/features/passkeys/relying-party";
import { readStanding, refusalToAdd, refusalToRemove, refusalToRename } from "@/features/passkeys/rules";
import type {
  AuthenticationResponse,
  RegisterPasskeyInput,
  RemovePasskeyInput,
  RenamePasskeyInput,
} from "@/features/passkeys/schema";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";

// Passkeys' writes. Each takes the person and the hash of the session they
// act on (never reading the session itself), and writes with its audit event
// in one transaction, the person's row locked so that two removals at once
// cannot both pass the "not your last one" rule.

/** A signed-in person acting on the session whose token hashes to `sessionTokenHash`. */
export type PasskeyActor = { id: string; email: string; sessionTokenHash: string };

const SESSION_ENDED = failure("Your session has ended. Sign in again.");

/** Registers a passkey for the actor, within the rules of features/passkeys/rules.ts; a team member's first sets the session's passkeyAt. */
export async function registerPasskey(
  db: Database,
  rp: RelyingParty,
  actor: PasskeyActor,
  input: RegisterPasskeyInput,
): Promise<ActionResult<{ passkeyId: string; enrolled: boolean }>> {
  const verified = await verifyRegistration(db, rp, actor.id, input.response);
  if (!verified.ok) return verified;
  try {
    return await db.$transaction(async (tx) => {
      if (!(await lockRow(tx, "User", actor.id))) return SESSION_ENDED;
      // The session the passkey is added on must still be live: an owner's reset (or a sign-out) that ended it
      // while the answer was on its way must not leave a passkey behind, let alone one trusted as a first.
      if (!(await liveSession(tx, actor))) return SESSION_ENDED;
      const standing = await readStanding(tx, actor, actor.sessionTokenHash);
      const refusal = refusalToAdd(standing);
      if (refusal) return failure(refusal);
      const passkey = await tx.passkey.create({
        data: {
          userId: actor.id,
          credentialId: verified.credentialId,
          publicKey: Buffer.from(verified.publicKey),
          counter: BigInt(verified.counter),
          transports: verified.transports,
          deviceType: verified.deviceType,
          backedUp: verified.backedUp,
          name: input.name ?? `Passkey ${standing.count + 1}`,
        },
        select: { id: true },
      });
      // Trust on first use: a team member's first passkey, registered on the e-mail session, proves that session.
      const enrolled = standing.teamBound && !standing.passkeyAt && standing.count === 0;
      if (enrolled) {
        await tx.session.updateMany({
          where: { sessionToken: actor.sessionTokenHash, userId: actor.id },
          data: { passkeyAt: new Date() },
        });
      }
      await recordAuditEvent(tx, {
        actor,
        action: "auth.passkey-added",
        subjectType: "User",
        subjectId: actor.id,
        data: { passkeyId: passkey.id, passkeys: standing.count + 1, firstOfTeamMember: enrolled },
      });
      return { ok: true as const, passkeyId: passkey.id, enrolled };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return failure(PASSKEY_MESSAGES.duplicate);
    }
    throw error;
  }
}

async function liveSession(tx: Prisma.TransactionClient, actor: PasskeyActor): Promise<boolean> {
  const live = await tx.session.count({
    where: { sessionToken: actor.sessionTokenHash, userId: actor.id, expires: { gt: new Date() } },
  });
  return live === 1;
}

/** Renames one of the actor's passkeys; anyone else's id is answered as an unknown one. */
export async function renamePasskey(
  db: Database,
  actor: PasskeyActor,
  input: RenamePasskeyInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "User", actor.id))) return SESSION_ENDED;
    const owned = await tx.passkey.findFirst({ where: { id: input.id, userId: actor.id }, select: { id: true } });
    if (!owned) return NOT_FOUND;
    const refusal = refusalToRename(await readStanding(tx, actor, actor.sessionTokenHash));
    if (refusal) return failure(refusal);
    await tx.passkey.update({ where: { id: owned.id }, data: { name: input.name } });
    await recordAuditEvent(tx, {
      actor,
      action: "auth.passkey-renamed",
      subjectType: "User",
      subjectId: actor.id,
      data: { passkeyId: owned.id },
    });
    return { ok: true as const };
  });
}

/** Removes one of the actor's passkeys (a team member's last one stays) and ends the sessions passkeys proved, but the actor's; anyone else's id is answered as an unknown one. */
export async function removePasskey(
  db: Database,
  actor: PasskeyActor,
  input: RemovePasskeyInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "User", actor.id))) return SESSION_ENDED;
    const owned = await tx.passkey.findFirst({ where: { id: input.id, userId: actor.id }, select: { id: true } });
    if (!owned) return NOT_FOUND;
    const standing = await readStanding(tx, actor, actor.sessionTokenHash);
    const refusal = refusalToRemove(standing);
    if (refusal) return failure(refusal);
    await tx.passkey.delete({ where: { id: owned.id } });
    // A passkey is removed because it was lost or copied: the sessions a passkey proved (the removed one may
    // be among their passkeys: sessions do not say which) end, on every device but this one; a thief's
    // session opened with it would otherwise stay signed in, and team-capable, as long as it is used.
    const ended = await tx.session.deleteMany({
      where: { userId: actor.id, passkeyAt: { not: null }, sessionToken: { not: actor.sessionTokenHash } },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "auth.passkey-removed",
      subjectType: "User",
      subjectId: actor.id,
      data: { passkeyId: owned.id, passkeys: standing.count - 1, sessionsEnded: ended.count },
    });
    return { ok: true as const };
  });
}

/** A refused counter is worth the owners' eyes: someone may hold a copy of the person's passkey. */
async function recordCounterRefusal(db: Database, userId: string, credentialId: string): Promise<void> {
  const passkey = await db.passkey.findUnique({ where: { credentialId }, select: { id: true, user: true } });
  if (!passkey || passkey.user.id !== userId) return;
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: { id: passkey.user.id, email: passkey.user.email },
      action: "auth.passkey-refused",
      subjectType: "User",
      subjectId: passkey.user.id,
      data: { passkeyId: passkey.id },
    }),
  );
}

export type PasskeySession = { ok: true; sessionToken: string; expires: Date; userId: string };

/**
 * Signs in with a discoverable passkey alone: a database session as
 * next-auth makes one (its token stored hashed), proved by a passkey from
 * its first moment (passkeyAt), audited as next-auth audits a sign-in.
 */
export async function signInWithPasskey(
  db: Database,
  rp: RelyingParty,
  response: AuthenticationResponse,
  { maxAgeSeconds }: { maxAgeSeconds: number },
): Promise<PasskeySession | ActionResult> {
  const verified = await verifyAssertion(db, rp, response, "sign-in", null);
  if (!verified.ok) {
    if (verified.reason === "counter" && verified.userId) await recordCounterRefusal(db, verified.userId, response.id);
    return failure(verified.formError ?? PASSKEY_MESSAGES.invalid);
  }
  const sessionToken = randomBytes(32).toString("hex");
  const expires = new Date(Date.now() + maxAgeSeconds * 1000);
  const { userId } = verified.passkey;
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true } });
    await tx.session.create({
      data: { sessionToken: hashSessionToken(sessionToken), userId, expires, passkeyAt: new Date() },
    });
    await recordAuditEvent(tx, {
      actor: user,
      action: "auth.signed-in",
      subjectType: "User",
      subjectId: user.id,
      data: { provider: "passkey", passkeyId: verified.passkey.id },
    });
  });
  return { ok: true, sessionToken, expires, userId };
}

/** The passkey step: one of the actor's own passkeys proves the session they are on (sets its passkeyAt). */
export async function confirmPasskeyStep(
  db: Database,
  rp: RelyingParty,
  actor: PasskeyActor,
  response: AuthenticationResponse,
): Promise<ActionResult> {
  const verified = await verifyAssertion(db, rp, response, "step", actor.id);
  if (!verified.ok) {
    if (verified.reason === "counter") await recordCounterRefusal(db, actor.id, response.id);
    return failure(verified.formError ?? PASSKEY_MESSAGES.invalid);
  }
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { sessionToken: actor.sessionTokenHash, userId: actor.id, expires: { gt: new Date() } },
      data: { passkeyAt: new Date() },
    });
    if (count !== 1) return SESSION_ENDED;
    await recordAuditEvent(tx, {
      actor,
      action: "auth.passkey-confirmed",
      subjectType: "User",
      subjectId: actor.id,
      data: { passkeyId: verified.passkey.id },
    });
    return { ok: true as const };
  });
}
