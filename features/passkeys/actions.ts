"use server";

import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { type ActionContext, userAction } from "@/features/auth/action";
import type { Viewer } from "@/features/auth/data";
import { authenticationOptions, registrationOptions } from "@/features/passkeys/ceremonies";
import { confirmPasskeyStep, registerPasskey, removePasskey, renamePasskey } from "@/features/passkeys/mutations";
import { readStanding, refusalToAdd } from "@/features/passkeys/rules";
import {
  AssertionSchema,
  RegisterPasskeySchema,
  RemovePasskeySchema,
  RenamePasskeySchema,
} from "@/features/passkeys/schema";
import { currentSessionTokenHash, relyingPartyNow } from "@/features/passkeys/session";
import { type ActionResult, failure } from "@/lib/action-result";
import { getDb } from "@/lib/db";

// A signed-in person's passkeys (/account) and the passkey step
// (/signin/passkey). Signing in with a passkey alone is a route of its own
// (app/(dynamic)/signin/passkey/assertion), since nobody is signed in yet.

const actorOf = async ({ viewer }: ActionContext<{ viewer: Viewer }>) => ({
  id: viewer.id,
  email: viewer.email,
  sessionTokenHash: await currentSessionTokenHash(),
});

const MANAGE_LIMIT = {
  name: "passkey-manage" as const,
  subject: ({ viewer }: ActionContext<{ viewer: Viewer }>) => viewer.id,
  message: "Too many passkey changes. Try again later.",
};

/** A registration challenge for a new passkey, when this session may add one. */
export const passkeyRegistrationOptionsAction = userAction(
  null,
  async (_input, context): Promise<ActionResult<{ options: PublicKeyCredentialCreationOptionsJSON }>> => {
    const db = getDb();
    const actor = await actorOf(context);
    const refusal = refusalToAdd(await readStanding(db, actor, actor.sessionTokenHash));
    if (refusal) return failure(refusal);
    return { ok: true, options: await registrationOptions(db, relyingPartyNow(), actor) };
  },
  { rateLimit: MANAGE_LIMIT },
);

/** The browser's new passkey, checked against the challenge, named, kept. */
export const registerPasskeyAction = userAction(
  RegisterPasskeySchema,
  async (input, context) => registerPasskey(getDb(), relyingPartyNow(), await actorOf(context), input),
  { rateLimit: MANAGE_LIMIT, revalidate: "/account" },
);

export const renamePasskeyAction = userAction(
  RenamePasskeySchema,
  async (input, context) => renamePasskey(getDb(), await actorOf(context), input),
  { rateLimit: MANAGE_LIMIT, revalidate: "/account", keepValues: true },
);

export const removePasskeyAction = userAction(
  RemovePasskeySchema,
  async (input, context) => removePasskey(getDb(), await actorOf(context), input),
  { rateLimit: MANAGE_LIMIT, revalidate: "/account" },
);

const STEP_LIMIT = {
  name: "passkey-step" as const,
  subject: ({ viewer }: ActionContext<{ viewer: Viewer }>) => viewer.id,
  message: "Too many tries with a passkey. Wait a few minutes, then try again.",
};

/** A challenge for the passkey step, answerable only by one of the viewer's own passkeys. */
export const passkeyStepOptionsAction = userAction(
  null,
  async (_input, { viewer }): Promise<ActionResult<{ options: PublicKeyCredentialRequestOptionsJSON }>> => {
    const db = getDb();
    if ((await db.passkey.count({ where: { userId: viewer.id } })) === 0) {
      return failure("You have no passkey yet: register one first.");
    }
    return { ok: true, options: await authenticationOptions(db, relyingPartyNow(), { id: viewer.id }) };
  },
  { rateLimit: STEP_LIMIT },
);

/** The passkey step: the viewer's passkey proves this session. */
export const confirmPasskeyStepAction = userAction(
  AssertionSchema,
  async (input, context) => confirmPasskeyStep(getDb(), relyingPartyNow(), await actorOf(context), input.response),
  { rateLimit: STEP_LIMIT },
);
