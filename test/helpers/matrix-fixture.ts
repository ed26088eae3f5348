// Longer than 250 lines because the matrix's people and records are made in one place, in order.
// The people and records of the authorisation matrix (test/security/), made
// in the database with the portal's own mutations, and a session cookie for
// each person who has one (a session row, as next-auth's adapter writes it).
// The portal runs as a new deployment does: team members must use a passkey
// (features/auth/factors.ts), so the team's sessions are ones on which a
// passkey was proved, and two more are a team member's e-mail-link-only ones.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { publishAdvisory } from "@/features/advisories/disclosure";
import { addAdvisoryPatch, createAdvisoryDraft } from "@/features/advisories/mutations";
import { AdvisoryDraftSchema } from "@/features/advisories/schema";
import { sendAdvisory } from "@/features/advisories/sending";
import { sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { createApiToken } from "@/features/api-tokens/mutations";
import { startApplication } from "@/features/applications/mutations";
import { startAttestationRound } from "@/features/attestations/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { PASSKEYS_REQUIRED_SETTING } from "@/features/auth/factors";
import { recordExport } from "@/features/exports/mutations";
import { requestHandover } from "@/features/member-requests/handovers";
import { requestAddressChange } from "@/features/member-requests/mutations";
import { removeMember } from "@/features/members/mutations";
import type { Database } from "@/lib/prisma";
import { advisoryToken } from "@/test/helpers/advisory-fixtures";
import { completeForm, config, context, createMember, createUser } from "@/test/helpers/fixtures";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { applicationReadyForReview, createReviewer } from "@/test/helpers/review-fixtures";
import { addCommentForm, removeTeamMemberForm, respondToVouchForm, saveDraftForm } from "@/test/helpers/validated";

/** An internal comment on applicant A's application: for the team's eyes only. */
export const INTERNAL_NOTE = "Internal note 7f3a: we have doubts about their advisories.";

/** A sentence of the embargoed advisory's description and a line of its patch file: for the team and its recipients only. */
export const ADVISORY_SECRET = "Embargoed 5be1: a forged SNI header skips the workload policy.";
export const PATCH_SECRET = "+  // Patch 5be1: reject the forged SNI before the policy lookup.";
/** The embargoed advisory's title. */
export const EMBARGOED_TITLE = "Workload policy bypass 5be1";
/** The reviewer's passkey's name: on /account for the reviewer alone (no one sees another person's passkeys). */
export const REVIEWER_PASSKEY_NAME = "Reviewer key 3c9e";
/** The public advisory's title, which everyone may read. */
export const PUBLIC_ADVISORY_TITLE = "Public 77d0: a sidecar crash on a malformed header";

/**
 * Everyone the matrix asks as. A token role sends `Authorization: Bearer`, the
 * others a session cookie (or nothing). The removed team member asks twice:
 * with the session they had on the team (which the removal ended) and with
 * one from signing in again afterwards, as anyone may. The team's sessions
 * proved a passkey; the reviewer and the owner also ask with a session opened
 * by an e-mail link alone (each has a passkey, not used on it): while passkeys
 * are required, such a session is a plain user's, and gets what
 * `PLAIN_USER` gets.
 */
export const ROLES = [
  "anonymous",
  "applicantA",
  "applicantB",
  "voucher",
  "reviewer",
  "recusedReviewer",
  "owner",
  "removedTeamMember",
  "removedTeamMemberSignedIn",
  "memberContact",
  "removedMemberRecipient",
  "tokenWithScope",
  "tokenWithoutScope",
  "reviewerEmailOnly",
  "ownerEmailOnly",
] as const;
export type Role = (typeof ROLES)[number];

/** A team member's e-mail-link-only sessions: a plain user's, where passkeys are required. */
export const EMAIL_ONLY_ROLES = ["reviewerEmailOnly", "ownerEmailOnly"] as const satisfies Role[];
/** The signed-in person without records of their own whom the e-mail-only sessions must be indistinguishable from. */
export const PLAIN_USER = "removedTeamMemberSignedIn" satisfies Role;
/** Each session's address, blanked where two callers' answers are compared byte for byte. */
export const ROLE_EMAILS: Partial<Record<Role, string>> = {
  reviewerEmailOnly: "reviewer@kmesh.example",
  ownerEmailOnly: "owner@kmesh.example",
  removedTeamMemberSignedIn: "leaving@kmesh.example",
};

export type MatrixFixture = Awaited<ReturnType<typeof createMatrixFixture>>;

/**
 * A live session for `user`, as the adapter stores it: the cookie holds the
 * token, the row its hash. `passkey`: its holder proved a passkey on it (as
 * after signing in with one, or the passkey step after an e-mail link).
 */
export async function createSession(
  db: Database,
  user: { id: string },
  { passkey = false }: { passkey?: boolean } = {},
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.session.create({
    // Fresh, as at sign-in (7 days): next-auth renews a session only when it is a day old.
    data: {
      sessionToken: hashSessionToken(token),
      userId: user.id,
      expires: new Date(Date.now() + 7 * 86_400_000),
      passkeyAt: passkey ? new Date() : null,
    },
  });
  return token;
}

/**
 * A registered passkey of `user`, as the passkey feature stores one (the key
 * itself is never checked here: the matrix's sessions say whether one was proved).
 */
export async function registerPasskey(db: Database, user: { id: string }, name = "Laptop") {
  return db.passkey.create({
    data: {
      userId: user.id,
      credentialId: randomBytes(32).toString("base64url"),
      publicKey: randomBytes(77),
      counter: 0n,
      transports: ["internal", "hybrid"],
      deviceType: "multiDevice",
      backedUp: true,
      name,
    },
  });
}

/** `days` from now: when a fixture's API token expires (every token does, within 730 days). */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

/** A draft's form fields, as the advisory form sends them, parsed by its schema. */
function advisoryInput(title: string, description: string, disclosureAt: Date) {
  return AdvisoryDraftSchema.parse({
    title,
    cveIds: `CVE-2026-${String(Math.floor(10000 + Math.random() * 80000))}`,
    ghsaIds: "",
    cvssVector: "",
    affectedVersions: "1.1.x",
    fixedVersions: "1.1.9",
    description,
    mitigations: "Turn the feature off.",
    reproduction: "",
    patchLinks: "",
    mayDo: "build patched binaries",
    mayNotDo: "publish patched binaries",
    disclosureAt: disclosureAt.toISOString().slice(0, 16),
  });
}

/**
 * The embargoed advisory's canaries: its description's sentence and its
 * patch file's line (the bypass probes pass random ones).
 */
export type AdvisoryCanaries = { description: string; patchLine: string };

export async function createMatrixFixture(
  db: Database,
  canaries: AdvisoryCanaries = { description: ADVISORY_SECRET, patchLine: PATCH_SECRET },
) {
  // Passkeys required, as on a new deployment (no row: the default), whatever the database was made with.
  await db.setting.deleteMany({ where: { key: PASSKEYS_REQUIRED_SETTING } });
  // The member whose contact vouches for applicant A.
  const acme = await createMember(db, {
    distributionName: "Acme Mesh",
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: "security@acme.example",
  });
  const voucher = await createUser(db, "security@acme.example");
  const owner = (await createReviewer(db, "owner@kmesh.example", "OWNER")) as TeamViewer;
  const reviewer = (await createReviewer(db, "reviewer@kmesh.example")) as TeamViewer;

  // Applicant A: submitted, vouched for by Acme's contact through the mailed link, in review.
  const a = await applicationReadyForReview(db, {
    domain: "vendor-a.example",
    applicantEmail: "lead@vendor-a.example",
    vouched: false,
  });
  const vouchToken = await mailedToken(db, "security@acme.example", "/vouch/");
  expect(
    await respondToVouchForm(db, vouchToken, { decision: "confirm", comment: "We know them." }, context),
  ).toMatchObject({ ok: true });
  const applicationA = await db.application.findUniqueOrThrow({ where: { id: a.id } });
  expect(applicationA.state).toBe("IN_REVIEW");
  // The team's deliberation, which only the team (not recused) may read.
  expect(
    await addCommentForm(db, reviewer, { applicationId: a.id, visibility: "INTERNAL", body: INTERNAL_NOTE }, context),
  ).toEqual({ ok: true });
  // Recused by domain: an address at applicant A's organisation.
  const recusedReviewer = (await createReviewer(db, "psirt-team@vendor-a.example")) as TeamViewer;

  // Applicant B: a draft of their own, its alias link mailed.
  const applicantB = await createUser(db, "lead@vendor-b.example");
  const draftB = await startApplication(db, applicantB, config);
  if (!draftB.ok) throw new Error("no draft for applicant B");
  const savedB = await saveDraftForm(
    db,
    applicantB,
    draftB.id,
    completeForm({
      distributionName: "Vendor B Mesh",
      organisation: "Vendor B",
      website: "https://vendor-b.example",
      orgDomains: "vendor-b.example",
      listAddresses: "kmesh-security@vendor-b.example",
      securityAlias: "kmesh-security@vendor-b.example",
      voucherEmail: "security@acme.example",
    }),
    config,
  );
  expect(savedB).toMatchObject({ ok: true });
  expect(await sendAddressConfirmations(db, applicantB, draftB.id, context)).toMatchObject({ ok: true });
  const aliasToken = await mailedToken(db, "kmesh-security@vendor-b.example", "/verify-alias/");

  // A member's contact, with an address change and a handover waiting, and this year's re-attestation asked.
  const contactMember = await memberWithContact(db, "Contact");
  const added = `new-list@${contactMember.domain}`;
  const change = await requestAddressChange(
    db,
    contactMember.contact,
    { memberId: contactMember.member.id, add: [added], remove: [], reason: "A new list address for the team." },
    memberContext,
  );
  if (!change.ok) throw new Error(JSON.stringify(change));
  const addressToken = await mailedToken(db, added, "/confirm-address/");
  const newContact = `psirt-lead@${contactMember.domain}`;
  expect(
    await requestHandover(
      db,
      contactMember.contact,
      { memberId: contactMember.member.id, newContactEmail: newContact },
      memberContext,
    ),
  ).toMatchObject({ ok: true });
  const handover = await db.contactHandover.findFirstOrThrow({ where: { memberId: contactMember.member.id } });
  const handoverToken = await mailedToken(db, newContact, "/confirm-contact/");
  expect(await startAttestationRound(db, owner, config, memberContext)).toMatchObject({ ok: true });
  const attestToken = await mailedToken(db, contactMember.contact.email, "/attest/");
  const attestation = await db.attestation.findFirstOrThrow({ where: { memberId: contactMember.member.id } });

  // An export the owners have not yet marked applied.
  const exported = await recordExport(db, owner, { format: "JSON", channel: "WEB" });

  // Advisories (issue 22), made with the portal's own mutations. On the list when they are sent: Acme
  // (security@acme.example, the voucher's address: the voucher is a current recipient), the contact member's
  // kmesh@ and psirt@ (not its contact's address: the member contact is no recipient), and a member removed
  // after sending, whose listed address has signed in (no longer a recipient).
  const removedMember = await memberWithContact(db, "Removed");
  const removedRecipient = await createUser(db, `kmesh@${removedMember.domain}`);
  const DAY = 86_400_000;
  const embargoDraft = await createAdvisoryDraft(
    db,
    reviewer,
    advisoryInput(EMBARGOED_TITLE, `${canaries.description}\n\nUpgrade to 1.1.9.`, new Date(Date.now() + 30 * DAY)),
  );
  if (!embargoDraft.ok) throw new Error(JSON.stringify(embargoDraft));
  const patch = await addAdvisoryPatch(
    db,
    reviewer,
    embargoDraft.advisoryId,
    {
      fileName: "fix-sni.patch",
      bytes: new TextEncoder().encode(
        `--- a/policy.go\n+++ b/policy.go\n@@ -1,3 +1,4 @@\n func check() {\n${canaries.patchLine}\n }\n`,
      ),
    },
    context,
  );
  if (!patch.ok) throw new Error(JSON.stringify(patch));
  const sent = await sendAdvisory(db, owner, embargoDraft.advisoryId, {}, context);
  if (!sent.ok) throw new Error(JSON.stringify(sent));
  const advisoryLinkToken = await advisoryToken(db, "security@acme.example", embargoDraft.advisoryId);
  // Public: drafted and sent 40 days ago for a date 5 days ago, made public now.
  const past = new Date(Date.now() - 40 * DAY);
  const publicDraft = await createAdvisoryDraft(
    db,
    owner,
    advisoryInput(PUBLIC_ADVISORY_TITLE, "A malformed header crashes the sidecar.", new Date(Date.now() - 5 * DAY)),
    past,
  );
  if (!publicDraft.ok) throw new Error(JSON.stringify(publicDraft));
  const publicSent = await sendAdvisory(db, owner, publicDraft.advisoryId, {}, context, past);
  if (!publicSent.ok) throw new Error(JSON.stringify(publicSent));
  const published = await publishAdvisory(db, owner, publicDraft.advisoryId, context);
  if (!published.ok) throw new Error(JSON.stringify(published));
  // A draft, which only the team may read.
  const draft = await createAdvisoryDraft(
    db,
    reviewer,
    advisoryInput("Draft: a policy cache poisoning", "Still being written.", new Date(Date.now() + 60 * DAY)),
  );
  if (!draft.ok) throw new Error(JSON.stringify(draft));
  expect(
    await removeMember(
      db,
      owner,
      { memberId: removedMember.member.id, reason: "ON_REQUEST", detail: "", message: "" },
      context,
    ),
  ).toMatchObject({ ok: true });

  // API tokens an owner made: one that may read the member list, one that may do nothing.
  const scoped = await createApiToken(db, owner, {
    name: "list sync",
    scopes: ["members:read"],
    expiresAt: inDays(90),
  });
  const unscoped = await createApiToken(db, owner, { name: "no scope", scopes: [], expiresAt: inDays(90) });
  if (!scoped.ok || !unscoped.ok) throw new Error("no API tokens");

  // A team member with a passkey and a session, then removed (which ends their sessions, and leaves the passkey
  // theirs), then signed in again as anyone can.
  const leaving = await createReviewer(db, "leaving@kmesh.example");
  await registerPasskey(db, leaving);
  const oldSession = await createSession(db, leaving, { passkey: true });
  const rostered = await db.teamMember.findUniqueOrThrow({ where: { email: leaving.email } });
  expect(await removeTeamMemberForm(db, owner, { memberId: rostered.id })).toEqual({ ok: true });
  expect(await db.session.count({ where: { userId: leaving.id } })).toBe(0);
  const leavingUser: Viewer = { id: leaving.id, email: leaving.email, role: null };

  // The team's passkeys: the owner's two, one each for the reviewers (the reviewer's is a record others aim at).
  for (const person of [owner, owner, recusedReviewer]) await registerPasskey(db, person);
  const reviewerPasskey = await registerPasskey(db, reviewer, REVIEWER_PASSKEY_NAME);
  const sessions: Partial<Record<Role, string>> = {
    applicantA: await createSession(db, a.applicant),
    applicantB: await createSession(db, applicantB),
    voucher: await createSession(db, voucher),
    reviewer: await createSession(db, reviewer, { passkey: true }),
    recusedReviewer: await createSession(db, recusedReviewer, { passkey: true }),
    owner: await createSession(db, owner, { passkey: true }),
    reviewerEmailOnly: await createSession(db, reviewer),
    ownerEmailOnly: await createSession(db, owner),
    removedTeamMember: oldSession,
    // Signed in with the passkey they kept: a passkey makes no one a team member.
    removedTeamMemberSignedIn: await createSession(db, leavingUser, { passkey: true }),
    memberContact: await createSession(db, contactMember.contact),
    removedMemberRecipient: await createSession(db, removedRecipient),
  };
  const bearer: Partial<Record<Role, string>> = {
    tokenWithScope: scoped.token.secret,
    tokenWithoutScope: unscoped.token.secret,
  };

  // Mail queued so far is the fixture's: marked sent, so that any mail queued from here on is the test's business.
  await db.outboxMail.updateMany({ data: { status: "SENT", sentAt: new Date() } });

  const records = {
    applicationA: a.id,
    applicationB: draftB.id,
    acmeMember: acme.id,
    contactMember: contactMember.member.id,
    addressChange: change.requestId,
    handover: handover.id,
    attestation: attestation.id,
    export: exported.id,
    apiToken: scoped.token.id,
    ownerTeamMember: (await db.teamMember.findUniqueOrThrow({ where: { email: owner.email } })).id,
    reviewerTeamMember: (await db.teamMember.findUniqueOrThrow({ where: { email: reviewer.email } })).id,
    reviewerPasskey: reviewerPasskey.id,
    outboxMail: (await db.outboxMail.findFirstOrThrow()).id,
    advisoryDraft: draft.advisoryId,
    advisoryEmbargoed: embargoDraft.advisoryId,
    advisoryPublic: publicDraft.advisoryId,
    advisoryPatch: patch.patchId,
    removedMember: removedMember.member.id,
    advisoryLinkToken,
    vouchToken,
    aliasToken,
    addressToken,
    handoverToken,
    attestToken,
  };
  return {
    sessions,
    bearer,
    records,
    names: {
      applicationA: applicationA.distributionName,
      contactMember: contactMember.member.distributionName,
      acmeMember: acme.distributionName,
      contactDomain: contactMember.domain,
    },
  };
}

/**
 * The headers a role asks with: its session cookie (named `cookieName`; over
 * https `__Secure-next-auth.session-token`), or its API token, or nothing.
 */
export function credentialsOf(
  fx: MatrixFixture,
  role: Role,
  cookieName = "next-auth.session-token",
): Record<string, string> {
  const headers: Record<string, string> = {};
  const session = fx.sessions[role];
  if (session) headers.cookie = `${cookieName}=${session}`;
  const token = fx.bearer[role];
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

export type MatrixRecords = MatrixFixture["records"];

const LINK_TOKENS = ["advisoryLinkToken", "vouchToken", "aliasToken", "addressToken", "handoverToken", "attestToken"];

/** Records of the same kinds that do not exist: fresh ids and link tokens. */
export function missingRecords(records: MatrixRecords): MatrixRecords {
  return Object.fromEntries(
    Object.keys(records).map((name) => [
      name,
      LINK_TOKENS.includes(name)
        ? randomBytes(32).toString("base64url")
        : `cm${randomBytes(16).toString("hex").slice(0, 23)}`,
    ]),
  ) as MatrixRecords;
}
