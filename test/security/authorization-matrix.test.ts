// The authorisation matrix (issue 12): every page, route handler and server
// action of the production build, asked over HTTP by every kind of person the
// portal knows, against the answer each should get. The routes and actions
// come from the build's manifests, so a new one without a row fails here.
// Server actions are called with their id as an attacker would, aimed at
// other people's records, and no table may change. A refusal must be the
// same bytes as the answer for a record that does not exist (its "missing
// twin": the same request with fresh ids and link tokens), apart from the
// per-request nonce and the echoed path or ids.
//
// Passkeys are required (a new deployment's default): a team member's session
// opened by an e-mail link alone is a plain user's. Its rows need no words of
// their own: `by` and `all` give the e-mail-only callers what PLAIN_USER gets,
// and every refusal they get is compared byte for byte with PLAIN_USER's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/prisma";
import { routePattern } from "@/lib/route-table";
import { builtActions, builtRoutes } from "@/test/helpers/build-manifests";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import {
  type ActionExpectation,
  type Answer,
  actionMismatch,
  type Blanks,
  blank,
  describeAnswer,
  forgedAssertion,
  forgedRegistration,
  headerShape,
} from "@/test/helpers/matrix-checks";
import {
  ADVISORY_SECRET,
  createMatrixFixture,
  credentialsOf,
  EMAIL_ONLY_ROLES,
  EMBARGOED_TITLE,
  INTERNAL_NOTE,
  type MatrixFixture,
  type MatrixRecords,
  missingRecords,
  PATCH_SECRET,
  PLAIN_USER,
  PUBLIC_ADVISORY_TITLE,
  REVIEWER_PASSKEY_NAME,
  ROLE_EMAILS,
  ROLES,
  type Role,
} from "@/test/helpers/matrix-fixture";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { callServerAction, formOf } from "@/test/helpers/server-actions";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { changedTables, checksumQuery, tableChecksums } from "@/test/helpers/table-checksums";

// ------------------------------------------------------------------ who asks

/** No session: nobody signed in, a session the team removal ended, an API token (which is no session). */
const NO_SESSION = ["anonymous", "removedTeamMember", "tokenWithScope", "tokenWithoutScope"] as const;
/** Signed in, not on the team. */
const OUTSIDERS = [
  "applicantA",
  "applicantB",
  "voucher",
  "removedTeamMemberSignedIn",
  "memberContact",
  "removedMemberRecipient",
] as const;
/** On the team, each session having proved a passkey. */
const TEAM = ["reviewer", "recusedReviewer", "owner"] as const;

/**
 * Each role's answer by group, with exceptions. The e-mail-only team sessions
 * get PLAIN_USER's answer (after the exceptions), unless an exception names
 * them: only a page or action of the second factor itself (the passkey step)
 * may treat them otherwise.
 */
function by<T>(groups: { noSession: T; outsiders: T; team: T }, except: Partial<Record<Role, NoInfer<T>>> = {}) {
  const answers = {} as Record<Role, T>;
  for (const role of NO_SESSION) answers[role] = groups.noSession;
  for (const role of OUTSIDERS) answers[role] = groups.outsiders;
  for (const role of TEAM) answers[role] = groups.team;
  const result = { ...answers, ...except };
  for (const role of EMAIL_ONLY_ROLES) result[role] = except[role] ?? result[PLAIN_USER];
  return result;
}
const all = <T>(answer: T, except: Partial<Record<Role, NoInfer<T>>> = {}) =>
  by({ noSession: answer, outsiders: answer, team: answer }, except);

// ------------------------------------------------------------ pages and routes

// Widened to Answer (a const of a union type would be narrowed to its member).
const PAGE = { is: "page" } as Answer;
const NOT_FOUND = { is: "notFound" } as Answer;
const SIGN_IN = { is: "signIn" } as Answer;
const page = (check: { shows?: string[]; hides?: string[] }): Answer => ({ is: "page", ...check });
const status = (code: number, body?: string, shows?: string[]): Answer => ({ is: "status", status: code, body, shows });
const redirect = (to: string): Answer => ({ is: "redirect", to });

type Probe = {
  path: (r: MatrixRecords) => string;
  method?: "GET" | "POST";
  body?: { type: string; text: string };
  answers: Record<Role, Answer>;
  /** Tables an allowed answer may change (an export or a download of the log is recorded); nothing else may write. */
  writes?: string[];
  /**
   * A rate limit (its buckets' key prefix) emptied before each request: one
   * counted per client address, which every role of the matrix shares, and
   * which would otherwise answer 429 before the route's own answer.
   */
  freshLimit?: string;
};

const FORM = "application/x-www-form-urlencoded";
const OUTSIDE_THE_TEAM = { noSession: NOT_FOUND, outsiders: NOT_FOUND };
const teamOnly = () => by({ ...OUTSIDE_THE_TEAM, team: PAGE });
const ownersOnly = () => by({ ...OUTSIDE_THE_TEAM, team: NOT_FOUND }, { owner: PAGE });
// The member export's own 404 for a signed-in non-owner, in plain text: not the
// not-found page an unknown address gets (which proxy.ts renders for /api/…
// too); the route answers API tokens too, so proxy.ts cannot gate it like a
// page. It tells nothing a public path list does not, but it is not "the same
// bytes as missing".
const API_NOT_FOUND = status(404, "Not found.\n");
// Texts of the fixture a page may or may not show (see `shownTexts` below).
const A_NAME = "applicationA";
const CONTACT_MEMBER = "contactMember";
const ACME_MEMBER = "acmeMember";
const INTERNAL = "internalNote";
const EMBARGOED = "advisorySecret";
const EMBARGOED_NAME = "embargoedTitle";
const PATCH = "patchSecret";
const PUBLIC_TITLE = "publicTitle";
const PASSKEYS_ON = "passkeysOn";
const RESET_REVIEWER = "resetReviewer";
const RESET_OWNER = "resetOwner";
const REVIEWER_KEY = "reviewerKey";

// Advisories (issue 22): the voucher's address (security@acme.example) is Acme's listed address, so the voucher
// is the embargoed advisory's current recipient; the removed member's recipient and the member contact (whose
// own address is not listed) are not. Everyone else gets what an unknown id gets.
const advisoryReaders = (answer: Answer) => by({ ...OUTSIDE_THE_TEAM, team: answer }, { voucher: answer });
const PATCH_NOT_FOUND = status(404);
const PROVIDER_NO_CSRF = redirect("/api/auth/signin?csrf=true");
const PROVIDER_REFUSED = redirect("/api/auth/error?error=OAuthCallback");

const ROUTES: Record<string, Probe[]> = {
  "/page": [{ path: () => "/", answers: all(PAGE) }],
  "/policy/page": [{ path: () => "/policy", answers: all(PAGE) }],
  "/apply/page": [
    {
      path: () => "/apply",
      answers: all(PAGE, { applicantA: page({ shows: [A_NAME] }), applicantB: page({ hides: [A_NAME] }) }),
    },
  ],
  "/signin/page": [
    {
      path: () => "/signin",
      // Signed in already: the team to its queue, everyone else to their applications; a team member's e-mail-only
      // session to the passkey step, on to the queue.
      answers: by(
        { noSession: PAGE, outsiders: redirect("/apply"), team: redirect("/review") },
        {
          reviewerEmailOnly: redirect("/signin/passkey?callbackUrl=%2Freview"),
          ownerEmailOnly: redirect("/signin/passkey?callbackUrl=%2Freview"),
        },
      ),
    },
  ],
  "/signin/confirm/page": [{ path: () => "/signin/confirm", answers: all(PAGE) }],
  // Anyone signed in sees their own passkeys, and no one else's: the reviewer's passkey's name only the reviewer (on
  // either session: it is their own account, the one page besides the step where the e-mail-only one is theirs).
  "/account/page": [
    {
      path: () => "/account",
      answers: by(
        { noSession: SIGN_IN, outsiders: page({ hides: [REVIEWER_KEY] }), team: page({ hides: [REVIEWER_KEY] }) },
        { reviewer: page({ shows: [REVIEWER_KEY] }), reviewerEmailOnly: page({ shows: [REVIEWER_KEY] }) },
      ),
    },
  ],
  // The passkey step: only a team member's e-mail-link-only session has one pending; everyone else goes on.
  "/signin/passkey/page": [
    {
      path: () => "/signin/passkey?callbackUrl=%2F",
      answers: by(
        { noSession: SIGN_IN, outsiders: redirect("/"), team: redirect("/") },
        { reviewerEmailOnly: PAGE, ownerEmailOnly: PAGE },
      ),
    },
  ],
  // Signing in with a passkey alone: a challenge for anyone (sessions do not matter), and a forged answer refused.
  "/signin/passkey/challenge/route": [
    {
      path: () => "/signin/passkey/challenge",
      method: "POST",
      answers: all(status(200, undefined, ['"challenge"'])),
      writes: ["WebAuthnChallenge"],
      freshLimit: "passkey-signin:",
    },
    { path: () => "/signin/passkey/challenge", answers: all(status(405)) },
  ],
  "/signin/passkey/assertion/route": [
    {
      path: () => "/signin/passkey/assertion",
      method: "POST",
      body: { type: "application/json", text: JSON.stringify({ response: forgedAssertion(), callbackUrl: "/review" }) },
      answers: all(status(400)),
      freshLimit: "passkey-signin:",
    },
    {
      path: () => "/signin/passkey/assertion",
      method: "POST",
      body: { type: "application/json", text: '{"response":{"id":"x"}}' },
      answers: all(status(400, '{"ok":false,"formError":"The passkey\'s answer could not be read. Try again."}')),
      freshLimit: "passkey-signin:",
    },
    { path: () => "/signin/passkey/assertion", answers: all(status(405)) },
  ],
  "/applications/[id]/page": [
    {
      path: (r) => `/applications/${r.applicationA}`,
      answers: by(
        { noSession: SIGN_IN, outsiders: NOT_FOUND, team: NOT_FOUND },
        { applicantA: page({ shows: [A_NAME], hides: [INTERNAL] }) },
      ),
    },
  ],
  "/applications/[id]/edit/page": [
    {
      path: (r) => `/applications/${r.applicationB}/edit`,
      answers: by({ noSession: SIGN_IN, outsiders: NOT_FOUND, team: NOT_FOUND }, { applicantB: PAGE }),
    },
  ],
  "/applications/[id]/draft/route": [
    {
      path: (r) => `/applications/${r.applicationB}/draft`,
      method: "POST",
      body: { type: FORM, text: "distributionName=Hijacked+Mesh" },
      answers: by(
        {
          noSession: status(400, undefined, ["Your session has ended."]),
          outsiders: status(400, '{"ok":false,"formError":"That does not exist, or is not yours."}'),
          team: status(400, '{"ok":false,"formError":"That does not exist, or is not yours."}'),
        },
        { applicantB: status(200) },
      ),
      writes: ["Application", "CriterionAnswer"],
    },
    { path: (r) => `/applications/${r.applicationB}/draft`, answers: all(status(405)) },
  ],
  "/attest/[token]/page": [{ path: (r) => `/attest/${r.attestToken}`, answers: all(PAGE) }],
  "/confirm-address/[token]/page": [{ path: (r) => `/confirm-address/${r.addressToken}`, answers: all(PAGE) }],
  "/confirm-contact/[token]/page": [{ path: (r) => `/confirm-contact/${r.handoverToken}`, answers: all(PAGE) }],
  "/verify-alias/[token]/page": [{ path: (r) => `/verify-alias/${r.aliasToken}`, answers: all(PAGE) }],
  "/vouch/[token]/page": [{ path: (r) => `/vouch/${r.vouchToken}`, answers: all(PAGE) }],
  "/membership/page": [
    {
      path: () => "/membership",
      answers: by(
        { noSession: SIGN_IN, outsiders: page({ hides: [CONTACT_MEMBER] }), team: page({ hides: [CONTACT_MEMBER] }) },
        {
          memberContact: page({ shows: [CONTACT_MEMBER] }),
          voucher: page({ shows: [ACME_MEMBER], hides: [CONTACT_MEMBER] }),
        },
      ),
    },
  ],
  "/review/page": [{ path: () => "/review", answers: teamOnly() }],
  "/review/[id]/page": [
    {
      path: (r) => `/review/${r.applicationA}`,
      answers: by(
        { ...OUTSIDE_THE_TEAM, team: page({ shows: [INTERNAL] }) },
        // Recused: the applicant's view, none of the team's deliberation.
        { recusedReviewer: page({ hides: [INTERNAL] }) },
      ),
    },
  ],
  "/members/page": [{ path: () => "/members", answers: teamOnly() }],
  "/members/[id]/page": [{ path: (r) => `/members/${r.contactMember}`, answers: teamOnly() }],
  "/members/attestations/page": [{ path: () => "/members/attestations", answers: teamOnly() }],
  "/members/export/page": [{ path: () => "/members/export", answers: ownersOnly() }],
  "/team/page": [
    {
      path: () => "/team",
      // The second factor's setting (on, as on a new deployment) and a reset for the reviewer's passkeys, none
      // for the owner's own (another owner resets those).
      answers: by(
        { ...OUTSIDE_THE_TEAM, team: NOT_FOUND },
        { owner: page({ shows: [PASSKEYS_ON, RESET_REVIEWER], hides: [RESET_OWNER] }) },
      ),
    },
  ],
  "/team/tokens/page": [{ path: () => "/team/tokens", answers: ownersOnly() }],
  "/audit/page": [{ path: () => "/audit", answers: ownersOnly() }],
  // Closed in production (and wherever real mail is sent): it shows sign-in links.
  "/dev/outbox/page": [{ path: () => "/dev/outbox", answers: all(NOT_FOUND) }],
  "/dev/outbox/[id]/page": [{ path: (r) => `/dev/outbox/${r.outboxMail}`, answers: all(NOT_FOUND) }],
  "/advisories/page": [
    {
      path: () => "/advisories",
      answers: by(
        {
          noSession: SIGN_IN,
          outsiders: page({ hides: [EMBARGOED_NAME] }),
          team: page({ shows: [EMBARGOED_NAME] }),
        },
        { voucher: page({ shows: [EMBARGOED_NAME] }) },
      ),
    },
  ],
  "/advisories/new/page": [{ path: () => "/advisories/new", answers: teamOnly() }],
  "/advisories/[id]/page": [
    { path: (r) => `/advisories/${r.advisoryEmbargoed}`, answers: advisoryReaders(page({ shows: [EMBARGOED] })) },
    { path: (r) => `/advisories/${r.advisoryDraft}`, answers: teamOnly() },
    { path: (r) => `/advisories/${r.advisoryPublic}`, answers: advisoryReaders(page({ shows: [PUBLIC_TITLE] })) },
  ],
  "/advisories/[id]/edit/page": [
    { path: (r) => `/advisories/${r.advisoryEmbargoed}/edit`, answers: by({ ...OUTSIDE_THE_TEAM, team: PAGE }) },
    { path: (r) => `/advisories/${r.advisoryDraft}/edit`, answers: teamOnly() },
  ],
  "/advisories/[id]/patches/[patchId]/route": [
    {
      path: (r) => `/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}`,
      answers: by(
        { noSession: PATCH_NOT_FOUND, outsiders: PATCH_NOT_FOUND, team: status(200, undefined, [PATCH]) },
        { voucher: status(200, undefined, [PATCH]) },
      ),
    },
    // The patch asked for under another advisory: no one's.
    { path: (r) => `/advisories/${r.advisoryDraft}/patches/${r.advisoryPatch}`, answers: all(PATCH_NOT_FOUND) },
  ],
  // The link's GET shows nothing of the advisory and records nothing: only its button's POST opens it.
  "/advisories/read/[token]/page": [
    {
      path: (r) => `/advisories/read/${r.advisoryLinkToken}`,
      answers: all(page({ hides: [EMBARGOED, EMBARGOED_NAME] })),
    },
  ],
  "/advisories/public/page": [
    { path: () => "/advisories/public", answers: all(page({ shows: [PUBLIC_TITLE], hides: [EMBARGOED_NAME] })) },
  ],
  "/advisories/public/[id]/page": [
    { path: (r) => `/advisories/public/${r.advisoryPublic}`, answers: all(page({ shows: [PUBLIC_TITLE] })) },
    { path: (r) => `/advisories/public/${r.advisoryEmbargoed}`, answers: all(NOT_FOUND) },
    { path: (r) => `/advisories/public/${r.advisoryDraft}`, answers: all(NOT_FOUND) },
  ],
  "/advisories/public/[id]/osv.json/route": [
    {
      path: (r) => `/advisories/public/${r.advisoryPublic}/osv.json`,
      answers: all(status(200, undefined, [PUBLIC_TITLE])),
    },
    { path: (r) => `/advisories/public/${r.advisoryEmbargoed}/osv.json`, answers: all(status(404)) },
    { path: (r) => `/advisories/public/${r.advisoryDraft}/osv.json`, answers: all(status(404)) },
  ],
  "/api/health/route": [{ path: () => "/api/health", answers: all(status(200, '{"status":"ok"}')) }],
  "/icon.svg/route": [{ path: () => "/icon.svg", answers: all(status(200)) }],
  "/api/exports/members/route": [
    {
      path: () => "/api/exports/members?format=json",
      // Owners and a token with the scope; a bad token and none get the same 401; other sessions the route's own 404.
      answers: by(
        { noSession: status(401, "Unauthorized.\n"), outsiders: API_NOT_FOUND, team: API_NOT_FOUND },
        { owner: status(200, undefined, [CONTACT_MEMBER]), tokenWithScope: status(200, undefined, [CONTACT_MEMBER]) },
      ),
      writes: ["Export", "ExportMember", "AuditEvent", "ApiToken"],
    },
  ],
  "/api/audit/export/route": [
    { path: () => "/api/audit/export", answers: all(NOT_FOUND, { owner: status(200) }), writes: ["AuditEvent"] },
  ],
  "/api/auth/[...nextauth]/route": [
    {
      path: () => "/api/auth/session",
      answers: by({
        noSession: status(200, "{}"),
        outsiders: status(200, undefined, ['"user"']),
        team: status(200, undefined, ['"user"']),
      }),
    },
    // Sign-in links go through /signin/link; the e-mail callback only through the confirmation page's POST.
    { path: () => "/api/auth/signin/email", method: "POST", answers: all(status(404, '{"error":"Not found."}')) },
    {
      path: () => "/api/auth/callback/email?token=x&email=a%40b.example",
      answers: all(status(404, '{"error":"Not found."}')),
    },
    // The providers (OIDC and GitHub, configured): a sign-in without next-auth's CSRF token goes
    // nowhere near the provider; a callback with a forged code and state signs no one in and writes nothing.
    ...(["oidc", "github"] as const).flatMap((provider): Probe[] => [
      {
        path: () => `/api/auth/signin/${provider}`,
        method: "POST",
        body: { type: FORM, text: "callbackUrl=%2Freview" },
        answers: all(PROVIDER_NO_CSRF),
      },
      {
        path: () => `/api/auth/callback/${provider}?code=forged-code&state=forged-state`,
        answers: all(PROVIDER_REFUSED),
      },
    ]),
  ],
  "/signin/link/route": [
    {
      path: () => "/signin/link",
      method: "POST",
      body: { type: "application/json", text: '{"email":"not an address"}' },
      answers: all(status(400)),
    },
  ],
  "/signin/confirm/continue/route": [
    {
      path: () => "/signin/confirm/continue",
      method: "POST",
      body: { type: FORM, text: "token=x&email=a%40b.example&callbackUrl=%2Fapply" },
      answers: all(redirect("/signin?error=Verification")),
    },
  ],
};

// ------------------------------------------------------------------ actions

type ActionRow = {
  /** The page the browser calls it from (one of the build's routes for it). */
  page: (r: MatrixRecords) => string;
  /** How the browser passes the form: `<form action>` (form), useActionState (state+form), or one value. */
  args: "form" | "state+form" | "value";
  /** Valid-looking input aimed at someone else's records. */
  fields: (r: MatrixRecords) => Record<string, string>;
  /** What an allowed caller sends instead: past the guard, refused by the schema or the record's state. */
  junk?: (r: MatrixRecords) => Record<string, string>;
  /** Where a refusal redirects, for actions that answer with a redirect. */
  refusedAs?: (r: MatrixRecords) => string;
  answers: Record<Role, ActionExpectation>;
};

const APPLICANT_B_ONLY = by<ActionExpectation>(
  { noSession: "signedOut", outsiders: "refused", team: "refused" },
  { applicantB: "allowed" },
);
const APPLICANT_B_PAGES = by<ActionExpectation>(
  { noSession: "signIn", outsiders: "refused", team: "refused" },
  { applicantB: "allowed" },
);
const CONTACT_ONLY = by<ActionExpectation>(
  { noSession: "signedOut", outsiders: "refused", team: "refused" },
  { memberContact: "allowed" },
);
const REVIEWERS = by<ActionExpectation>({ noSession: "notFound", outsiders: "notFound", team: "allowed" });
const REVIEWERS_NOT_RECUSED = { ...REVIEWERS, recusedReviewer: "recused" as const };
const OWNERS = by<ActionExpectation>(
  { noSession: "notFound", outsiders: "notFound", team: "notFound" },
  { owner: "allowed" },
);
/** Actions whose credential is a mailed link's token: the session does not matter; a link of another kind is no link. */
const LINK_HOLDERS_ONLY = all<ActionExpectation>("refused");

/** A recipient's answers: the current recipient (the voucher) and the team past the guard; anyone else refused as for an unknown advisory. */
const ADVISORY_RECIPIENTS = by<ActionExpectation>(
  { noSession: "signedOut", outsiders: "refused", team: "allowed" },
  { voucher: "allowed" },
);
const DAY = 86_400_000;
const minute = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 16);
const advisoryForm = (title: string) => ({
  title,
  cveIds: "CVE-2026-31337",
  ghsaIds: "",
  cvssVector: "",
  affectedVersions: "1.0",
  fixedVersions: "1.0.1",
  description: "Planted advisory.",
  mitigations: "",
  reproduction: "",
  patchLinks: "",
  mayDo: "",
  mayNotDo: "",
  disclosureAt: minute(40),
});
const advisoryPage = (r: MatrixRecords) => `/advisories/${r.advisoryEmbargoed}`;
const advisoryEdit = (r: MatrixRecords) => `/advisories/${r.advisoryEmbargoed}/edit`;

const draftB = (r: MatrixRecords) => `/applications/${r.applicationB}/edit`;
const reviewA = (r: MatrixRecords) => `/review/${r.applicationA}`;
const attestationAnswers = () => {
  const fields: Record<string, string> = { policyVersion: "0".repeat(64), accept: "on" };
  for (const criterion of config.criteria) {
    if (criterion.kind === "alias" || criterion.kind === "evidence") fields[`confirm:${criterion.key}`] = "on";
  }
  return fields;
};

const ACTIONS: Record<string, ActionRow> = {
  // The applicant's side: aimed at applicant B's draft.
  "features/applications/actions.ts#startApplicationAction": {
    page: () => "/apply",
    args: "form",
    fields: () => ({}),
    answers: by({ noSession: "signIn", outsiders: "notExercised", team: "notExercised" }),
  },
  "features/applications/actions.ts#saveApplicationDraftAction": {
    page: draftB,
    args: "form",
    fields: (r) => ({ applicationId: r.applicationB, distributionName: "Hijacked Mesh" }),
    junk: (r) => ({ applicationId: r.applicationB, unexpected: "x" }),
    answers: APPLICANT_B_ONLY,
  },
  "features/applications/actions.ts#saveOrSubmitApplicationAction": {
    page: draftB,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationB, intent: "submit", distributionName: "Hijacked Mesh" }),
    junk: (r) => ({ applicationId: r.applicationB, intent: "submit", unexpected: "x" }),
    answers: APPLICANT_B_ONLY,
  },
  "features/applications/actions.ts#checkDraftForDuplicatesAction": {
    page: draftB,
    args: "form",
    fields: (r) => ({ applicationId: r.applicationB, organisation: "Acme", orgDomains: "acme.example" }),
    junk: (r) => ({ applicationId: r.applicationB, unexpected: "x" }),
    answers: APPLICANT_B_ONLY,
  },
  "features/applications/actions.ts#withdrawApplicationAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "form",
    fields: (r) => ({ applicationId: r.applicationB }),
    junk: () => ({ applicationId: "nonsense" }),
    refusedAs: (r) => `/applications/${r.applicationB}?notice=not-withdrawn`,
    answers: APPLICANT_B_PAGES,
  },
  "features/alias-verification/actions.ts#sendAddressConfirmationsAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "form",
    fields: (r) => ({ applicationId: r.applicationB, address: "kmesh-security@vendor-b.example" }),
    junk: () => ({ applicationId: "nonsense" }),
    refusedAs: (r) => `/applications/${r.applicationB}?notice=alias-not-sent`,
    answers: APPLICANT_B_PAGES,
  },
  "features/vouches/actions.ts#nameAnotherVoucherAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationB, voucherEmail: "security@acme.example" }),
    junk: (r) => ({ applicationId: r.applicationB, voucherEmail: "security@acme.example", unexpected: "x" }),
    answers: APPLICANT_B_ONLY,
  },
  // Mailed links, each sent a real token of another kind of link.
  "features/alias-verification/actions.ts#confirmApplicationAddressAction": {
    page: (r) => `/verify-alias/${r.aliasToken}`,
    args: "form",
    fields: (r) => ({ token: r.vouchToken }),
    refusedAs: (r) => `/verify-alias/${r.vouchToken}`,
    answers: LINK_HOLDERS_ONLY,
  },
  "features/vouches/actions.ts#respondToVouchAction": {
    page: (r) => `/vouch/${r.vouchToken}`,
    args: "state+form",
    fields: (r) => ({ token: r.aliasToken, decision: "confirm", comment: "" }),
    answers: LINK_HOLDERS_ONLY,
  },
  "features/member-requests/actions.ts#confirmAddressAction": {
    page: (r) => `/confirm-address/${r.addressToken}`,
    args: "form",
    fields: (r) => ({ token: r.handoverToken }),
    refusedAs: (r) => `/confirm-address/${r.handoverToken}`,
    answers: LINK_HOLDERS_ONLY,
  },
  "features/member-requests/actions.ts#confirmHandoverAction": {
    page: (r) => `/confirm-contact/${r.handoverToken}`,
    args: "form",
    fields: (r) => ({ token: r.addressToken }),
    refusedAs: (r) => `/confirm-contact/${r.addressToken}`,
    answers: LINK_HOLDERS_ONLY,
  },
  "features/attestations/actions.ts#respondToAttestationAction": {
    page: (r) => `/attest/${r.attestToken}`,
    args: "state+form",
    fields: (r) => ({ token: r.vouchToken, ...attestationAnswers() }),
    answers: LINK_HOLDERS_ONLY,
  },
  // A member's contact: aimed at the other member's record.
  "features/member-requests/actions.ts#requestAddressChangeAction": {
    page: () => "/membership",
    args: "state+form",
    fields: (r) => ({
      memberId: r.contactMember,
      add: "list@attacker.example",
      reason: "Adding our new list address.",
    }),
    junk: (r) => ({ memberId: r.contactMember, add: "", reason: "x" }),
    answers: CONTACT_ONLY,
  },
  "features/member-requests/actions.ts#requestHandoverAction": {
    page: () => "/membership",
    args: "state+form",
    fields: (r) => ({ memberId: r.contactMember, newContactEmail: "attacker@attacker.example" }),
    junk: (r) => ({ memberId: r.contactMember, newContactEmail: "not an address" }),
    answers: CONTACT_ONLY,
  },
  // The link goes to the member's contact address whoever asks; anyone but its contact is refused.
  "features/attestations/actions.ts#requestNewAttestationLinkAction": {
    page: () => "/membership",
    args: "state+form",
    fields: (r) => ({ memberId: r.contactMember }),
    junk: (r) => ({ memberId: r.contactMember, to: "attacker@attacker.example" }),
    answers: CONTACT_ONLY,
  },
  "features/member-requests/actions.ts#cancelAddressChangeAction": {
    page: () => "/membership",
    args: "state+form",
    fields: (r) => ({ requestId: r.addressChange }),
    junk: () => ({ requestId: "nonsense" }),
    answers: CONTACT_ONLY,
  },
  "features/member-requests/actions.ts#decideAddressChangeAction": {
    page: (r) => `/members/${r.contactMember}`,
    args: "state+form",
    fields: (r) => ({ requestId: r.addressChange, decision: "approve", note: "", memberId: r.contactMember }),
    junk: (r) => ({ requestId: r.addressChange, decision: "maybe", memberId: r.contactMember }),
    answers: REVIEWERS,
  },
  "features/member-requests/actions.ts#decideHandoverAction": {
    page: (r) => `/members/${r.contactMember}`,
    args: "state+form",
    fields: (r) => ({ requestId: r.handover, decision: "approve", note: "", memberId: r.contactMember }),
    junk: (r) => ({ requestId: r.handover, decision: "maybe", memberId: r.contactMember }),
    answers: REVIEWERS,
  },
  // The review of applicant A's application.
  "features/reviews/actions.ts#markViewedAction": {
    page: reviewA,
    args: "value",
    fields: (r) => ({ value: r.applicationA }),
    junk: () => ({ value: "nonsense" }),
    answers: REVIEWERS,
  },
  "features/reviews/actions.ts#addCommentAction": {
    page: reviewA,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationA, visibility: "INTERNAL", body: "Planted comment." }),
    junk: (r) => ({ applicationId: r.applicationA, visibility: "EVERYONE", body: "x" }),
    answers: REVIEWERS_NOT_RECUSED,
  },
  "features/reviews/actions.ts#castVoteAction": {
    page: reviewA,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationA, choice: "APPROVE", confirmUnassessed: "on" }),
    junk: (r) => ({ applicationId: r.applicationA, choice: "MAYBE" }),
    answers: REVIEWERS_NOT_RECUSED,
  },
  "features/reviews/actions.ts#recordAssessmentAction": {
    page: reviewA,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationA, criterionKey: "user-base", assessment: "MET" }),
    junk: (r) => ({ applicationId: r.applicationA, criterionKey: "no-such-criterion", assessment: "MET" }),
    answers: REVIEWERS_NOT_RECUSED,
  },
  "features/reviews/actions.ts#requestChangesAction": {
    page: reviewA,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationA, message: "Please change everything." }),
    junk: (r) => ({ applicationId: r.applicationA, message: "x", unexpected: "x" }),
    answers: REVIEWERS_NOT_RECUSED,
  },
  "features/reviews/actions.ts#rejectApplicationAction": {
    page: reviewA,
    args: "state+form",
    fields: (r) => ({ applicationId: r.applicationA, reason: "No track record at all." }),
    junk: (r) => ({ applicationId: r.applicationA, reason: "short" }),
    answers: OWNERS,
  },
  // Owners' actions on the member list, the re-attestation, the exports, the team and the tokens.
  "features/members/actions.ts#removeMemberAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: (r) => ({ memberId: r.acmeMember, reason: "ON_REQUEST", message: "Bye." }),
    junk: (r) => ({ memberId: r.acmeMember, reason: "BECAUSE" }),
    answers: OWNERS,
  },
  "features/members/actions.ts#reinstateMemberAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: (r) => ({ memberId: r.acmeMember, note: "Back again." }),
    junk: (r) => ({ memberId: r.acmeMember, note: "x" }),
    answers: OWNERS,
  },
  "features/members/actions.ts#recordEmbargoBreachAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: (r) => ({ memberId: r.acmeMember, occurredOn: "2026-01-01", description: "Told the press early." }),
    junk: (r) => ({ memberId: r.acmeMember, occurredOn: "yesterday", description: "x" }),
    answers: OWNERS,
  },
  "features/attestations/actions.ts#startAttestationRoundAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: () => ({}),
    // The fixture's round is still running: the owner is refused by its state.
    junk: () => ({}),
    answers: OWNERS,
  },
  "features/attestations/actions.ts#extendAttestationAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: (r) => ({ attestationId: r.attestation, days: "30", from: "round" }),
    junk: (r) => ({ attestationId: r.attestation, days: "999" }),
    answers: OWNERS,
  },
  "features/attestations/actions.ts#resendAttestationLinkAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: (r) => ({ attestationId: r.attestation }),
    junk: () => ({ attestationId: "nonsense" }),
    answers: OWNERS,
  },
  "features/exports/actions.ts#markExportAppliedAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: (r) => ({ exportId: r.export }),
    junk: () => ({ exportId: "nonsense" }),
    answers: OWNERS,
  },
  "features/exports/actions.ts#planMailmanSyncAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: () => ({}),
    junk: () => ({ digest: "nonsense" }),
    answers: OWNERS,
  },
  "features/exports/actions.ts#applyMailmanSyncAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: () => ({ digest: "0".repeat(64), prune: "on" }),
    junk: () => ({ digest: "nonsense" }),
    answers: OWNERS,
  },
  // An owner's decision about an address the sync left unresolved: anyone else, or any other address, changes nothing.
  "features/exports/actions.ts#decideKeptAddressAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: () => ({
      address: "security-team@kmesh.example",
      subscription: "0123456789abcdef",
      decision: "unsubscribe",
    }),
    junk: () => ({ address: "security-team@kmesh.example", subscription: "0123456789abcdef", decision: "prune" }),
    answers: OWNERS,
  },
  "features/team/actions.ts#addTeamMemberAction": {
    page: () => "/team",
    args: "state+form",
    fields: () => ({ email: "attacker@attacker.example", role: "OWNER" }),
    junk: () => ({ email: "not an address", role: "OWNER" }),
    answers: OWNERS,
  },
  "features/team/actions.ts#changeTeamRoleAction": {
    page: () => "/team",
    args: "state+form",
    fields: (r) => ({ memberId: r.reviewerTeamMember, role: "OWNER" }),
    junk: (r) => ({ memberId: r.reviewerTeamMember, role: "ADMIN" }),
    answers: OWNERS,
  },
  "features/team/actions.ts#removeTeamMemberAction": {
    page: () => "/team",
    args: "state+form",
    fields: (r) => ({ memberId: r.ownerTeamMember }),
    junk: () => ({ memberId: "nonsense" }),
    answers: OWNERS,
  },
  // The team's second factor: turning it off is the attack; the owner gets past the guard with junk.
  "features/team/actions.ts#setTeamPasskeysRequiredAction": {
    page: () => "/team",
    args: "state+form",
    fields: () => ({ required: "off" }),
    junk: () => ({ required: "maybe" }),
    answers: OWNERS,
  },
  // Another team member's passkeys (and sessions) gone: the owner with junk, which resets no one.
  "features/team/actions.ts#resetTeamPasskeysAction": {
    page: () => "/team",
    args: "state+form",
    fields: (r) => ({ memberId: r.reviewerTeamMember }),
    junk: () => ({ memberId: "nonsense" }),
    answers: OWNERS,
  },
  "features/api-tokens/actions.ts#createApiTokenAction": {
    page: () => "/team/tokens",
    args: "state+form",
    fields: () => ({ name: "attacker", scopes: "members:read", expires: "30" }),
    junk: () => ({ name: "", expires: "never" }),
    answers: OWNERS,
  },
  "features/api-tokens/actions.ts#revokeApiTokenAction": {
    page: () => "/team/tokens",
    args: "state+form",
    fields: (r) => ({ tokenId: r.apiToken }),
    junk: () => ({ tokenId: "nonsense" }),
    answers: OWNERS,
  },
  // Advisories (issue 22). The team's: any team member writes drafts; owners send and run the lifecycle.
  "features/advisories/actions.ts#createAdvisoryDraftAction": {
    page: () => "/advisories/new",
    args: "state+form",
    fields: () => advisoryForm("Planted advisory"),
    junk: () => ({ ...advisoryForm(""), disclosureAt: "yesterday" }),
    answers: REVIEWERS,
  },
  "features/advisories/actions.ts#updateAdvisoryAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, reason: "Hijacked.", ...advisoryForm("Hijacked advisory") }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, ...advisoryForm("") }),
    answers: REVIEWERS,
  },
  "features/advisories/actions.ts#deleteAdvisoryDraftAction": {
    page: (r) => `/advisories/${r.advisoryDraft}`,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryDraft }),
    // A sent advisory is never deleted.
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed }),
    answers: REVIEWERS,
  },
  "features/advisories/actions.ts#addAdvisoryPatchAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, reason: "Planted patch." }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, reason: "No file." }),
    answers: REVIEWERS,
  },
  "features/advisories/actions.ts#removeAdvisoryPatchAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, patchId: r.advisoryPatch, reason: "Removed." }),
    // The patch named under another advisory.
    junk: (r) => ({ advisoryId: r.advisoryDraft, patchId: r.advisoryPatch, reason: "Removed." }),
    answers: REVIEWERS,
  },
  "features/advisories/recipient-actions.ts#approveAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryDraft }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed }),
    answers: REVIEWERS,
  },
  "features/advisories/recipient-actions.ts#sendAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryDraft }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed }),
    answers: OWNERS,
  },
  "features/advisories/recipient-actions.ts#addAdvisoryRecipientAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, memberId: r.contactMember }),
    junk: (r) => ({ advisoryId: r.advisoryDraft, memberId: r.contactMember }),
    answers: OWNERS,
  },
  "features/advisories/recipient-actions.ts#resendToMemberAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, memberId: r.acmeMember }),
    junk: (r) => ({ advisoryId: r.advisoryDraft, memberId: r.acmeMember }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#sendReleaseNoticeAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, publicMessaging: "Planted messaging.", releaseAt: minute(30) }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, publicMessaging: "", releaseAt: "soon" }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#publishAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed }),
    junk: (r) => ({ advisoryId: r.advisoryPublic }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#setPublishAutomaticallyAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, publishAutomatically: "on" }),
    junk: (r) => ({ advisoryId: r.advisoryPublic, publishAutomatically: "on" }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#recordAdvisoryBreachAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({
      advisoryId: r.advisoryEmbargoed,
      memberId: r.acmeMember,
      occurredOn: "2026-12-01",
      description: "Told the press early.",
    }),
    junk: (r) => ({
      advisoryId: r.advisoryEmbargoed,
      memberId: r.acmeMember,
      occurredOn: "yesterday",
      description: "x",
    }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#holdAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, reason: "Waiting for the fix." }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, reason: "" }),
    answers: OWNERS,
  },
  "features/advisories/lifecycle-actions.ts#releaseAdvisoryEarlierAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, disclosureAt: minute(20), reason: "Sooner." }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, disclosureAt: "never", reason: "" }),
    answers: OWNERS,
  },
  // A recipient's answers, aimed at the embargoed advisory: the voucher (a current recipient) and the team get past
  // the guard with junk; the others, the removed member's recipient among them, are refused as for an unknown id.
  "features/advisories/recipient-actions.ts#acknowledgeAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, revision: "1" }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, revision: "0" }),
    answers: ADVISORY_RECIPIENTS,
  },
  "features/advisories/recipient-actions.ts#fileAdvisoryReportAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({ advisoryId: r.advisoryEmbargoed, outcome: "WORKS", details: "Planted report." }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, outcome: "MAYBE" }),
    answers: ADVISORY_RECIPIENTS,
  },
  "features/advisories/recipient-actions.ts#reportLeakAction": {
    page: advisoryPage,
    args: "state+form",
    fields: (r) => ({
      advisoryId: r.advisoryEmbargoed,
      whatLeaked: "Everything.",
      toWhom: "The press.",
      leakedAt: "Yesterday.",
      prevention: "Nothing.",
    }),
    junk: (r) => ({ advisoryId: r.advisoryEmbargoed, whatLeaked: "" }),
    answers: ADVISORY_RECIPIENTS,
  },
  // The link's button: another kind of link's token is no advisory link.
  "features/advisories/recipient-actions.ts#openAdvisoryLinkAction": {
    page: (r) => `/advisories/read/${r.advisoryLinkToken}`,
    args: "form",
    fields: (r) => ({ token: r.vouchToken }),
    refusedAs: (r) => `/advisories/read/${r.vouchToken}?refused=1`,
    answers: LINK_HOLDERS_ONLY,
  },
  // Passkeys (issue 23), on /account: anyone signed in, for their own passkeys. A challenge is a write of its own
  // (not exercised); a team member's e-mail-link-only session with passkeys gets none (the passkey step first).
  "features/passkeys/actions.ts#passkeyRegistrationOptionsAction": {
    page: () => "/account",
    args: "value",
    fields: () => ({}),
    answers: by<ActionExpectation>(
      { noSession: "signedOut", outsiders: "notExercised", team: "notExercised" },
      { reviewerEmailOnly: "secondFactor", ownerEmailOnly: "secondFactor" },
    ),
  },
  // A registration for a challenge the portal never issued: refused by the check, whoever sends it.
  "features/passkeys/actions.ts#registerPasskeyAction": {
    page: () => "/account",
    args: "form",
    fields: () => ({ name: "Planted key", response: forgedRegistration() }),
    answers: by<ActionExpectation>({ noSession: "signedOut", outsiders: "allowed", team: "allowed" }),
  },
  // The reviewer's passkey: anyone else's id is an unknown one; the reviewer's own e-mail-only session must prove a
  // passkey first; the reviewer gets past with junk (a blank name, and the last passkey, which stays).
  "features/passkeys/actions.ts#renamePasskeyAction": {
    page: () => "/account",
    args: "state+form",
    fields: (r) => ({ id: r.reviewerPasskey, name: "Hijacked key" }),
    junk: (r) => ({ id: r.reviewerPasskey, name: " " }),
    answers: by<ActionExpectation>(
      { noSession: "signedOut", outsiders: "refused", team: "refused" },
      { reviewer: "allowed", reviewerEmailOnly: "secondFactor" },
    ),
  },
  "features/passkeys/actions.ts#removePasskeyAction": {
    page: () => "/account",
    args: "state+form",
    fields: (r) => ({ id: r.reviewerPasskey }),
    junk: (r) => ({ id: r.reviewerPasskey }),
    answers: by<ActionExpectation>(
      { noSession: "signedOut", outsiders: "refused", team: "refused" },
      { reviewer: "allowed", reviewerEmailOnly: "secondFactor" },
    ),
  },
  // The passkey step: a challenge only for someone with passkeys (a write: not exercised); the others are told to
  // register one. A forged answer proves nothing, whoever sends it.
  "features/passkeys/actions.ts#passkeyStepOptionsAction": {
    page: () => "/signin/passkey?callbackUrl=%2F",
    args: "value",
    fields: () => ({}),
    answers: by<ActionExpectation>(
      { noSession: "signedOut", outsiders: "allowed", team: "notExercised" },
      { removedTeamMemberSignedIn: "notExercised" },
    ),
  },
  "features/passkeys/actions.ts#confirmPasskeyStepAction": {
    page: () => "/signin/passkey?callbackUrl=%2F",
    args: "form",
    fields: () => ({ response: JSON.stringify(forgedAssertion()) }),
    answers: by<ActionExpectation>({ noSession: "signedOut", outsiders: "allowed", team: "allowed" }),
  },
  // Signing out ends the caller's own session: without one, it only goes home.
  "features/auth/actions.ts#signOutAction": {
    page: () => "/",
    args: "form",
    fields: () => ({}),
    refusedAs: () => "/",
    answers: by({ noSession: "refused", outsiders: "notExercised", team: "notExercised" }),
  },
};

// ------------------------------------------------------------------ fixture

/** Tables any request may change: rate-limit buckets count refusals too. */
const UNWATCHED_TABLES = ["RateLimitBucket", "_prisma_migrations"];

let database: TestDatabase & { db: Database };
let mail: MailCatcher;
let portal: RunningPortal;
let fx: MatrixFixture;
let missing: MatrixRecords;
let checksums: string;
const figures = {
  plainCompared: 0,
  routeAnswers: 0,
  actionAnswers: 0,
  notExercised: 0,
  twins: 0,
  fingerprints: 0,
  nextActionChecks: 0,
  unexpected: 0,
};
let started = 0;

beforeAll(async () => {
  started = performance.now();
  database = await createMigratedDatabase();
  fx = await createMatrixFixture(database.db);
  missing = missingRecords(fx.records);
  checksums = await checksumQuery(database.db, UNWATCHED_TABLES);
  mail = await startMailCatcher();
  // Both providers configured, so that their routes are the configured ones. A production build takes only
  // https:// providers (lib/env.ts), and the loopback ones of test/helpers speak http: the issuer is an https://
  // address where nothing listens, and GitHub's are the real ones (this machine reaches neither). The matrix's
  // probes are refused before a provider is asked (no CSRF token, a forged state); the flows themselves are
  // tested against the loopback providers in test/integration/oidc-sign-in.test.ts and github-sign-in.test.ts.
  portal = await startPortal({
    SMTP_URL: mail.url,
    DATABASE_URL: database.url,
    OIDC_ISSUER: "https://127.0.0.1:9",
    OIDC_CLIENT_ID: "distributors-portal",
    OIDC_CLIENT_SECRET: "matrix-oidc-secret-0123456789abcdef",
    GITHUB_ID: "Iv1.matrix0123456789",
    GITHUB_SECRET: "matrix-github-secret-0123456789abcdef",
  });
});

afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  const requests = Object.values(ROUTES).flat().length;
  const cells = figures.routeAnswers + figures.actionAnswers + figures.notExercised;
  console.log(
    `authorisation matrix: ${Object.keys(ROUTES).length} routes (${requests} requests) + ` +
      `${Object.keys(ACTIONS).length} actions × ${ROLES.length} roles = ${cells} checks ` +
      `(${figures.routeAnswers} route answers, ${figures.actionAnswers} action answers, ` +
      `${figures.notExercised} allowed and not exercised), ${figures.twins} refusals compared with their missing twin, ` +
      `${figures.plainCompared} e-mail-only team sessions' refusals compared with a plain user's, ` +
      `${figures.fingerprints} data fingerprints, ${figures.nextActionChecks} GETs with a Next-Action header, ` +
      `${figures.unexpected} unexpected, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

/** The texts `shows` and `hides` name. */
const shownTexts = (): Record<string, string> => ({
  [A_NAME]: fx.names.applicationA,
  [CONTACT_MEMBER]: fx.names.contactMember,
  [ACME_MEMBER]: fx.names.acmeMember,
  [INTERNAL]: INTERNAL_NOTE,
  [EMBARGOED]: ADVISORY_SECRET,
  [EMBARGOED_NAME]: EMBARGOED_TITLE,
  [PATCH]: PATCH_SECRET,
  [PUBLIC_TITLE]: PUBLIC_ADVISORY_TITLE,
  [PASSKEYS_ON]: "Team members must use a passkey: <strong>on</strong>",
  [RESET_REVIEWER]: 'aria-label="Reset the passkeys of reviewer@kmesh.example"',
  [RESET_OWNER]: 'aria-label="Reset the passkeys of owner@kmesh.example"',
  [REVIEWER_KEY]: REVIEWER_PASSKEY_NAME,
});

const credentials = (role: Role) => credentialsOf(fx, role);

/** Ids and tokens of the fixture and of the twin, blanked alike (longest first, so none is cut by another). */
const recordValues = (): Blanks =>
  [...Object.entries(fx.records), ...Object.entries(missing)].sort((a, b) => b[1].length - a[1].length);

/** Also the callers' own addresses, which a signed-in page shows: for comparing two callers' answers. */
const withAddresses = (values: Blanks): Blanks => [
  ...values,
  ...Object.values(ROLE_EMAILS)
    .map((email): [string, string] => ["address", email])
    .sort((a, b) => b[1].length - a[1].length),
];
const isEmailOnly = (role: Role) => (EMAIL_ONLY_ROLES as readonly Role[]).includes(role);

/**
 * The header's prompt to take the passkey step (the viewer's `factor`, which
 * the header's client part turns into a link to /signin/passkey), read as a
 * plain user's. It tells the session's holder only what the e-mail link's
 * own redirect to the step told them: the one place an e-mail-only session
 * differs from a plain user's (see the passkey step's rows). Nothing else in
 * the answer may.
 */
const withoutStepPrompt = (body: string) => body.replace(/(factor\\?"\s*:\s*)\\?"verify\\?"/g, "$1null");

/** Why an e-mail-only team session's refusal is not byte for byte PLAIN_USER's (addresses, ids and nonces blanked). */
function differsFromPlainUser(
  answer: { body: string; headers?: Headers },
  plain: { body: string; headers?: Headers } | undefined,
  values: Blanks,
): string | null {
  figures.plainCompared++;
  if (!plain) return "no answer of the plain user's to compare with";
  const blanks = withAddresses(values);
  if (blank(withoutStepPrompt(answer.body), blanks) !== blank(plain.body, blanks)) {
    return "the refusal differs from the plain user's";
  }
  if (answer.headers && plain.headers && headerShape(answer.headers, blanks) !== headerShape(plain.headers, blanks)) {
    return "the refusal's headers differ from the plain user's";
  }
  return null;
}

// ------------------------------------------------------------------ the checks

describe("the authorisation matrix", () => {
  it("has a row for every page, route handler and server action of the build, and none for anything else", () => {
    const routes = builtRoutes();
    const actions = builtActions().map((action) => action.key);
    expect({
      routesWithoutRow: routes.filter((route) => !(route in ROUTES)),
      rowsWithoutRoute: Object.keys(ROUTES).filter((route) => !routes.includes(route)),
      actionsWithoutRow: actions.filter((action) => !(action in ACTIONS)),
      rowsWithoutAction: Object.keys(ACTIONS).filter((action) => !actions.includes(action)),
    }).toEqual({ routesWithoutRow: [], rowsWithoutRoute: [], actionsWithoutRow: [], rowsWithoutAction: [] });
  });

  it("answers every page and route handler as the table says, to every role", { timeout: 600_000 }, async () => {
    const unexpected: string[] = [];
    // PLAIN_USER's answers (asked before the e-mail-only sessions, later in ROLES), by route and probe.
    const plainPages = new Map<string, PageResponse>();
    const values = recordValues();
    const texts = shownTexts();
    for (const role of ROLES) {
      const unknown = await request(role, { path: () => "/no-such-page", answers: all(NOT_FOUND) }, fx.records);
      // Under /api/ pages get no CSP nonce, the unknown address included: compare like with like.
      const unknownApi = await request(role, { path: () => "/api/no-such-route", answers: all(NOT_FOUND) }, fx.records);
      for (const [route, probes] of Object.entries(ROUTES)) {
        for (const [index, probe] of probes.entries()) {
          const expected = probe.answers[role];
          const before = await tableChecksums(database.db, checksums);
          const response = await request(role, probe, fx.records);
          if (role === PLAIN_USER) plainPages.set(`${route}#${index}`, response);
          const changed = changedTables(before, await tableChecksums(database.db, checksums));
          figures.routeAnswers++;
          figures.fingerprints++;
          const where = `${role} ${probe.method ?? "GET"} ${route}`;
          const mayWrite = expected.is === "page" || (expected.is === "status" && expected.status < 300);
          const unwanted = changed.filter((table) => !(mayWrite && probe.writes?.includes(table)));
          if (unwanted.length) unexpected.push(`${where}: changed ${unwanted.join(", ")}`);
          const mismatch = pageMismatch(expected, response, probe.path(fx.records), texts);
          if (mismatch) {
            unexpected.push(`${where}: ${mismatch}`);
            continue;
          }
          const refusal =
            expected.is === "notFound" ||
            expected.is === "signIn" ||
            (expected.is === "status" && expected.status >= 400);
          if (!refusal) continue;
          if (isEmailOnly(role)) {
            const differs = differsFromPlainUser(response, plainPages.get(`${route}#${index}`), values);
            if (differs) unexpected.push(`${where}: ${differs}`);
          }
          // The refusal, against the same request for records that do not exist (or an unknown address).
          const dynamic = route.includes("[");
          if (!dynamic && expected.is !== "notFound") continue;
          const twin = dynamic
            ? await request(role, probe, missing)
            : probe.path(fx.records).startsWith("/api/")
              ? unknownApi
              : unknown;
          figures.twins++;
          if (blank(response.body, values) !== blank(twin.body, values)) {
            unexpected.push(`${where}: the refusal differs from the answer for a record that does not exist`);
          } else if (headerShape(response.headers, values) !== headerShape(twin.headers, values)) {
            unexpected.push(`${where}: the refusal's headers differ from those for a record that does not exist`);
          }
        }
      }
    }
    figures.unexpected += unexpected.length;
    expect(unexpected).toEqual([]);
  });

  it("answers every server action, called over HTTP, as the table says, and no refusal changes a row", {
    timeout: 600_000,
  }, async () => {
    const unexpected: string[] = [];
    const values = recordValues();
    const initial = await tableChecksums(database.db, checksums);
    const built = new Map(builtActions().map((action) => [action.key, action]));
    const plainActions = new Map<string, { body: string }>();
    for (const role of ROLES) {
      for (const [key, row] of Object.entries(ACTIONS)) {
        const action = built.get(key);
        if (!action) continue;
        const page = row.page(fx.records);
        if (!action.routes.some((route) => routePattern(route).test(page.split("?")[0] as string))) {
          unexpected.push(`${key}: ${page} is not one of the pages that host it (${action.routes.join(", ")})`);
          continue;
        }
        const expected = row.answers[role];
        if (expected === "notExercised") {
          figures.notExercised++;
          continue;
        }
        const call = (fields: Record<string, string>) =>
          callServerAction(portal.baseUrl, {
            id: action.id,
            page,
            args: argumentsOf(row, fields),
            headers: credentials(role),
          });
        const fields = expected === "allowed" && row.junk ? row.junk(fx.records) : row.fields(fx.records);
        const before = await tableChecksums(database.db, checksums);
        const answer = await call(fields);
        const changed = changedTables(before, await tableChecksums(database.db, checksums));
        if (role === PLAIN_USER) plainActions.set(key, answer);
        figures.actionAnswers++;
        figures.fingerprints++;
        const where = `${role} ${key.split("#")[1]}`;
        if (changed.length) unexpected.push(`${where}: changed ${changed.join(", ")} (${describeAnswer(answer)})`);
        const mismatch = actionMismatch(expected, answer, row.refusedAs?.(fx.records));
        if (mismatch) {
          unexpected.push(`${where}: ${mismatch}: ${describeAnswer(answer)}`);
          continue;
        }
        if (expected !== "notFound" && expected !== "refused") continue;
        if (isEmailOnly(role)) {
          const differs = differsFromPlainUser(answer, plainActions.get(key), values);
          if (differs) unexpected.push(`${where}: ${differs}`);
        }
        const twin = await call(row.fields(missing));
        figures.twins++;
        if (blank(answer.body, values) !== blank(twin.body, values)) {
          unexpected.push(`${where}: the refusal differs from the answer for records that do not exist`);
        }
      }
    }
    // Nor afterwards (work Next runs after a response is sent): nothing changed since the first call.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const late = changedTables(initial, await tableChecksums(database.db, checksums));
    if (late.length) unexpected.push(`after all the calls: changed ${late.join(", ")}`);
    figures.unexpected += unexpected.length;
    expect(unexpected).toEqual([]);
  });
});

// proxy.ts lets server actions past its team-page gate (each action guards
// itself); a GET with the header once went past it too, and Next rendered the
// page, whose own guard answered with a different 404 from an unknown address's.
describe("a GET that carries a Next-Action header", () => {
  it("gets the same refusal as one that does not: the header makes no request an action", async () => {
    const unexpected: string[] = [];
    const values = recordValues();
    const action = builtActions()[0]?.id ?? "";
    for (const role of [...NO_SESSION, ...OUTSIDERS, ...EMAIL_ONLY_ROLES]) {
      for (const [route, probes] of Object.entries(ROUTES)) {
        const [probe] = probes;
        if (probe?.answers[role].is !== "notFound" || probe.method) continue;
        const plain = await request(role, probe, fx.records);
        const flagged = await request(role, probe, fx.records, { "next-action": action });
        figures.nextActionChecks++;
        if (flagged.status !== plain.status || blank(flagged.body, values) !== blank(plain.body, values)) {
          unexpected.push(`${role} ${route}: answered ${flagged.status}, not the refusal of a plain GET`);
        }
      }
    }
    figures.unexpected += unexpected.length;
    expect(unexpected).toEqual([]);
  });
});

function argumentsOf(row: ActionRow, fields: Record<string, string>): unknown[] {
  if (row.args === "value") return [fields.value];
  if (row.args === "form") return [formOf(fields)];
  return [{ ok: true }, formOf(fields)];
}

type PageResponse = { status: number; location: string | null; headers: Headers; body: string };

async function request(
  role: Role,
  probe: Probe,
  records: MatrixRecords,
  extraHeaders: Record<string, string> = {},
): Promise<PageResponse> {
  if (probe.freshLimit)
    await database.db.rateLimitBucket.deleteMany({ where: { key: { startsWith: probe.freshLimit } } });
  const response = await fetch(`${portal.baseUrl}${probe.path(records)}`, {
    method: probe.method ?? "GET",
    redirect: "manual",
    headers: {
      ...extraHeaders,
      ...credentials(role),
      ...(probe.method === "POST" ? { origin: portal.baseUrl } : {}),
      ...(probe.body ? { "content-type": probe.body.type } : {}),
    },
    body: probe.body?.text,
  });
  const location = response.headers.get("location");
  return {
    status: response.status,
    location: location?.startsWith(portal.baseUrl) ? location.slice(portal.baseUrl.length) : location,
    headers: response.headers,
    body: await response.text(),
  };
}

function pageMismatch(expected: Answer, response: PageResponse, path: string, texts: Record<string, string>) {
  const got = `${response.status}${response.location ? ` → ${response.location}` : ""}`;
  const missingTexts = (names: string[] = []) => names.filter((name) => !response.body.includes(texts[name] ?? name));
  const shownTexts = (names: string[] = []) => names.filter((name) => response.body.includes(texts[name] ?? name));
  switch (expected.is) {
    case "page":
      if (response.status !== 200) return `expected 200, got ${got}`;
      if (missingTexts(expected.shows).length) return `does not show ${missingTexts(expected.shows).join(", ")}`;
      if (shownTexts(expected.hides).length) return `shows ${shownTexts(expected.hides).join(", ")}`;
      return null;
    case "notFound":
      return response.status === 404 && /Page not found/.test(response.body)
        ? null
        : `expected the not-found page, got ${got}`;
    case "signIn": {
      const to = `/signin?callbackUrl=${encodeURIComponent(path)}`;
      return response.status === 307 && response.location === to ? null : `expected a redirect to ${to}, got ${got}`;
    }
    case "redirect":
      return response.status >= 300 && response.status < 400 && response.location === expected.to
        ? null
        : `expected a redirect to ${expected.to}, got ${got}`;
    case "status":
      if (response.status !== expected.status) return `expected ${expected.status}, got ${got}`;
      if (expected.body !== undefined && response.body !== expected.body)
        return `answered ${response.body.slice(0, 200)}`;
      if (missingTexts(expected.shows).length) return `does not show ${missingTexts(expected.shows).join(", ")}`;
      return null;
  }
}
