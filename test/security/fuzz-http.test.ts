// Fuzzing over HTTP (issue 12): every server action of the production build
// (its server reference manifest) and every route handler and page (its
// app-paths manifest), sent fast-check's adversarial values: huge strings,
// NUL and the other control characters, lone surrogates, bidirectional
// overrides, CR/LF, wrong types, arrays where strings belong (a field
// repeated), extra and prototype-polluting fields, as anonymous, an
// applicant and an owner (and a member's contact or an API token where that
// is who the target serves), with the real record ids and link tokens where
// a request needs them to get as far as its schema.
//
// Each case is refused by construction (an unknown field, which every
// schema refuses; every other field holding a refused character; arguments
// of the wrong type; an invalid query), so that:
// - nothing answers 5xx;
// - every answer is a clear refusal: an action's failure value with a
//   message, its refusal redirect or a 4xx; a route's 4xx with a body or its
//   refusal redirect; never Next's error page or an error digest;
// - no table changes (fingerprints before and after each batch of one
//   target and one role), apart from RateLimitBucket, which counts refused
//   requests by design (sign-in links, draft saves, API tokens), and
//   _prisma_migrations.
//
// A fixed seed (FUZZ_SEED to choose another, or replay one), printed in the
// summary; FUZZ_HTTP_CASES sets the cases per target and role.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMAT_SLUGS } from "@/features/exports/formats";
import type { Database } from "@/lib/prisma";
import { routePattern } from "@/lib/route-table";
import { builtActions, builtRoutes } from "@/test/helpers/build-manifests";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import {
  adversarialString,
  anyValueOf,
  fuzzSeed,
  POLLUTING_KEYS,
  refusedString,
  unknownFieldName,
} from "@/test/helpers/fuzz-values";
import { forgedAssertion } from "@/test/helpers/matrix-checks";
import {
  createMatrixFixture,
  credentialsOf,
  type MatrixFixture,
  type MatrixRecords,
  type Role,
} from "@/test/helpers/matrix-fixture";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { callServerAction, sendActionBody } from "@/test/helpers/server-actions";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { changedTables, checksumQuery, tableChecksums } from "@/test/helpers/table-checksums";

/** Cases per target and role. */
const CASES = Number(process.env.FUZZ_HTTP_CASES ?? 15);
/** Pages take no input but their URL: fewer cases each. */
const PAGE_CASES = Math.max(1, Math.ceil(CASES / 5));
const seed = fuzzSeed();

/** Tables a refused request may change: rate-limit buckets count refusals too. */
const UNWATCHED_TABLES = ["RateLimitBucket", "_prisma_migrations"];

/** Who calls every target: nobody signed in, an applicant, an owner. */
const EVERYONE: Role[] = ["anonymous", "applicantB", "owner"];

// ------------------------------------------------------------------ actions

type ActionTarget = {
  /** The page the browser calls it from. */
  page: (r: MatrixRecords) => string;
  /** How the browser passes it its input: a form, useActionState's state and form, one value, or nothing it reads. */
  args: "form" | "state+form" | "value" | "none";
  /** The form's fields. */
  fields: string[];
  /** Fields sent with the real record or link token, so that a request gets as far as the schema. */
  real?: (r: MatrixRecords) => Record<string, string>;
  /** Who else it serves, past its guard. */
  roles?: Role[];
  /** Only these roles: it reads nothing but who asks (signed in, it would start a draft, or sign out). */
  only?: Role[];
  /** A draft is saved field by field (one refused field keeps the rest): only an unknown field refuses it whole. */
  partial?: true;
  /** Called in the background, it answers nobody: nothing, or a redirect. */
  silent?: true;
};

const draftFields = [
  "distributionName",
  "organisation",
  "website",
  "orgDomains",
  "listAddresses",
  "securityAlias",
  "voucherEmail",
  ...config.criteria.flatMap((criterion) =>
    criterion.kind === "evidence"
      ? [`answer:${criterion.key}`, `evidence:${criterion.key}`]
      : criterion.kind === "acceptance"
        ? [`accept:${criterion.key}`, `note:${criterion.key}`]
        : [],
  ),
];
const attestationFields = [
  "policyVersion",
  "accept",
  ...config.criteria
    .filter((criterion) => criterion.kind === "alias" || criterion.kind === "evidence")
    .map((criterion) => `confirm:${criterion.key}`),
];
const draftB = (r: MatrixRecords) => `/applications/${r.applicationB}/edit`;
const reviewA = (r: MatrixRecords) => `/review/${r.applicationA}`;
const CONTACT: Role[] = ["memberContact"];
/** The embargoed advisory's current recipient (Acme's listed address). */
const RECIPIENT: Role[] = ["voucher"];
const advisoryPage = (r: MatrixRecords) => `/advisories/${r.advisoryEmbargoed}`;
const advisoryEdit = (r: MatrixRecords) => `/advisories/${r.advisoryEmbargoed}/edit`;
const embargoed = (r: MatrixRecords) => ({ advisoryId: r.advisoryEmbargoed });
const advisoryFields = [
  "title",
  "cveIds",
  "ghsaIds",
  "cvssVector",
  "affectedVersions",
  "fixedVersions",
  "description",
  "mitigations",
  "reproduction",
  "patchLinks",
  "mayDo",
  "mayNotDo",
  "disclosureAt",
  "mailFullText",
];

const ACTIONS: Record<string, ActionTarget> = {
  "features/applications/actions.ts#startApplicationAction": {
    page: () => "/apply",
    args: "none",
    fields: [],
    only: ["anonymous"],
  },
  "features/auth/actions.ts#signOutAction": { page: () => "/", args: "none", fields: [], only: ["anonymous"] },
  "features/applications/actions.ts#saveApplicationDraftAction": {
    page: draftB,
    args: "form",
    fields: ["applicationId", ...draftFields],
    real: (r) => ({ applicationId: r.applicationB }),
    partial: true,
  },
  "features/applications/actions.ts#saveOrSubmitApplicationAction": {
    page: draftB,
    args: "state+form",
    fields: ["applicationId", "intent", ...draftFields],
    real: (r) => ({ applicationId: r.applicationB }),
    partial: true,
  },
  "features/applications/actions.ts#checkDraftForDuplicatesAction": {
    page: draftB,
    args: "form",
    fields: ["applicationId", "organisation", "orgDomains", "listAddresses"],
    real: (r) => ({ applicationId: r.applicationB }),
  },
  "features/applications/actions.ts#withdrawApplicationAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "form",
    fields: ["applicationId"],
  },
  "features/alias-verification/actions.ts#sendAddressConfirmationsAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "form",
    fields: ["applicationId", "address"],
    real: (r) => ({ applicationId: r.applicationB }),
  },
  "features/alias-verification/actions.ts#confirmApplicationAddressAction": {
    page: (r) => `/verify-alias/${r.aliasToken}`,
    args: "form",
    fields: ["token"],
  },
  "features/vouches/actions.ts#nameAnotherVoucherAction": {
    page: (r) => `/applications/${r.applicationB}`,
    args: "state+form",
    fields: ["applicationId", "voucherEmail"],
    real: (r) => ({ applicationId: r.applicationB }),
  },
  "features/vouches/actions.ts#respondToVouchAction": {
    page: (r) => `/vouch/${r.vouchToken}`,
    args: "state+form",
    fields: ["token", "decision", "comment"],
    real: (r) => ({ token: r.vouchToken }),
  },
  "features/member-requests/actions.ts#confirmAddressAction": {
    page: (r) => `/confirm-address/${r.addressToken}`,
    args: "form",
    fields: ["token"],
  },
  "features/member-requests/actions.ts#confirmHandoverAction": {
    page: (r) => `/confirm-contact/${r.handoverToken}`,
    args: "form",
    fields: ["token"],
  },
  "features/attestations/actions.ts#respondToAttestationAction": {
    page: (r) => `/attest/${r.attestToken}`,
    args: "state+form",
    fields: ["token", ...attestationFields],
    real: (r) => ({ token: r.attestToken }),
  },
  "features/member-requests/actions.ts#requestAddressChangeAction": {
    page: () => "/membership",
    args: "state+form",
    fields: ["memberId", "add", "reason"],
    real: (r) => ({ memberId: r.contactMember }),
    roles: CONTACT,
  },
  "features/member-requests/actions.ts#requestHandoverAction": {
    page: () => "/membership",
    args: "state+form",
    fields: ["memberId", "newContactEmail"],
    real: (r) => ({ memberId: r.contactMember }),
    roles: CONTACT,
  },
  "features/attestations/actions.ts#requestNewAttestationLinkAction": {
    page: () => "/membership",
    args: "state+form",
    fields: ["memberId"],
    real: (r) => ({ memberId: r.contactMember }),
    roles: CONTACT,
  },
  "features/member-requests/actions.ts#cancelAddressChangeAction": {
    page: () => "/membership",
    args: "state+form",
    fields: ["requestId"],
    roles: CONTACT,
  },
  "features/member-requests/actions.ts#decideAddressChangeAction": {
    page: (r) => `/members/${r.contactMember}`,
    args: "state+form",
    fields: ["requestId", "decision", "note", "memberId"],
    real: (r) => ({ requestId: r.addressChange, memberId: r.contactMember }),
  },
  "features/member-requests/actions.ts#decideHandoverAction": {
    page: (r) => `/members/${r.contactMember}`,
    args: "state+form",
    fields: ["requestId", "decision", "note", "memberId"],
    real: (r) => ({ requestId: r.handover, memberId: r.contactMember }),
  },
  "features/reviews/actions.ts#markViewedAction": { page: reviewA, args: "value", fields: [], silent: true },
  "features/reviews/actions.ts#addCommentAction": {
    page: reviewA,
    args: "state+form",
    fields: ["applicationId", "visibility", "body"],
    real: (r) => ({ applicationId: r.applicationA }),
  },
  "features/reviews/actions.ts#castVoteAction": {
    page: reviewA,
    args: "state+form",
    fields: ["applicationId", "choice", "reason", "confirmUnassessed"],
    real: (r) => ({ applicationId: r.applicationA }),
  },
  "features/reviews/actions.ts#recordAssessmentAction": {
    page: reviewA,
    args: "state+form",
    fields: ["applicationId", "criterionKey", "assessment", "note"],
    real: (r) => ({ applicationId: r.applicationA }),
  },
  "features/reviews/actions.ts#requestChangesAction": {
    page: reviewA,
    args: "state+form",
    fields: ["applicationId", "message"],
    real: (r) => ({ applicationId: r.applicationA }),
  },
  "features/reviews/actions.ts#rejectApplicationAction": {
    page: reviewA,
    args: "state+form",
    fields: ["applicationId", "reason"],
    real: (r) => ({ applicationId: r.applicationA }),
  },
  "features/members/actions.ts#removeMemberAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: ["memberId", "reason", "detail", "message"],
    real: (r) => ({ memberId: r.acmeMember }),
  },
  "features/members/actions.ts#reinstateMemberAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: ["memberId", "note"],
    real: (r) => ({ memberId: r.acmeMember }),
  },
  "features/members/actions.ts#recordEmbargoBreachAction": {
    page: (r) => `/members/${r.acmeMember}`,
    args: "state+form",
    fields: ["memberId", "occurredOn", "description", "link"],
    real: (r) => ({ memberId: r.acmeMember }),
  },
  // Reads no field; the fixture's round is still running, so an owner is refused by its state.
  "features/attestations/actions.ts#startAttestationRoundAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: [],
  },
  "features/attestations/actions.ts#extendAttestationAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: ["attestationId", "days", "from"],
    real: (r) => ({ attestationId: r.attestation }),
  },
  "features/attestations/actions.ts#resendAttestationLinkAction": {
    page: () => "/members/attestations",
    args: "state+form",
    fields: ["attestationId"],
    real: (r) => ({ attestationId: r.attestation }),
  },
  "features/exports/actions.ts#markExportAppliedAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: ["exportId"],
  },
  // Reads no field; without a Mailman configured, an owner is told so.
  "features/exports/actions.ts#planMailmanSyncAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: [],
  },
  "features/exports/actions.ts#applyMailmanSyncAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: ["digest", "prune"],
  },
  "features/exports/actions.ts#decideKeptAddressAction": {
    page: () => "/members/export",
    args: "state+form",
    fields: ["address", "subscription", "decision"],
  },
  "features/team/actions.ts#addTeamMemberAction": {
    page: () => "/team",
    args: "state+form",
    fields: ["email", "role"],
  },
  "features/team/actions.ts#changeTeamRoleAction": {
    page: () => "/team",
    args: "state+form",
    fields: ["memberId", "role"],
    real: (r) => ({ memberId: r.reviewerTeamMember }),
  },
  "features/team/actions.ts#removeTeamMemberAction": {
    page: () => "/team",
    args: "state+form",
    fields: ["memberId"],
  },
  // The team's second factor: an owner's e-mail-only session is refused at the guard (a 404), as a plain user.
  "features/team/actions.ts#setTeamPasskeysRequiredAction": {
    page: () => "/team",
    args: "state+form",
    fields: ["required"],
    roles: ["ownerEmailOnly"],
  },
  "features/team/actions.ts#resetTeamPasskeysAction": {
    page: () => "/team",
    args: "state+form",
    fields: ["memberId"],
    roles: ["ownerEmailOnly"],
  },
  "features/api-tokens/actions.ts#createApiTokenAction": {
    page: () => "/team/tokens",
    args: "state+form",
    fields: ["name", "scopes", "expires", "expiresOn"],
  },
  "features/api-tokens/actions.ts#revokeApiTokenAction": {
    page: () => "/team/tokens",
    args: "state+form",
    fields: ["tokenId"],
  },
  // Advisories (issue 22): the team's writes, with the embargoed advisory's real id so that the schema is reached.
  "features/advisories/actions.ts#createAdvisoryDraftAction": {
    page: () => "/advisories/new",
    args: "state+form",
    fields: advisoryFields,
  },
  "features/advisories/actions.ts#updateAdvisoryAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: ["advisoryId", "reason", ...advisoryFields],
    real: embargoed,
  },
  "features/advisories/actions.ts#deleteAdvisoryDraftAction": {
    page: (r) => `/advisories/${r.advisoryDraft}`,
    args: "state+form",
    fields: ["advisoryId"],
  },
  "features/advisories/actions.ts#addAdvisoryPatchAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: ["advisoryId", "reason", "file"],
    real: embargoed,
  },
  "features/advisories/actions.ts#removeAdvisoryPatchAction": {
    page: advisoryEdit,
    args: "state+form",
    fields: ["advisoryId", "patchId", "reason"],
    real: (r) => ({ advisoryId: r.advisoryEmbargoed, patchId: r.advisoryPatch }),
  },
  "features/advisories/recipient-actions.ts#approveAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId"],
  },
  "features/advisories/recipient-actions.ts#sendAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "emergencyReason"],
    real: (r) => ({ advisoryId: r.advisoryDraft }),
  },
  "features/advisories/recipient-actions.ts#addAdvisoryRecipientAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "memberId"],
    real: embargoed,
  },
  "features/advisories/recipient-actions.ts#resendToMemberAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "memberId"],
    real: embargoed,
  },
  "features/advisories/lifecycle-actions.ts#sendReleaseNoticeAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "publicMessaging", "releaseAt"],
    real: embargoed,
  },
  "features/advisories/lifecycle-actions.ts#publishAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId"],
  },
  "features/advisories/lifecycle-actions.ts#setPublishAutomaticallyAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "publishAutomatically"],
    real: embargoed,
  },
  "features/advisories/lifecycle-actions.ts#recordAdvisoryBreachAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "leakReportId", "memberId", "occurredOn", "description"],
    real: (r) => ({ advisoryId: r.advisoryEmbargoed, memberId: r.acmeMember }),
  },
  "features/advisories/lifecycle-actions.ts#holdAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "reason"],
    real: embargoed,
  },
  "features/advisories/lifecycle-actions.ts#releaseAdvisoryEarlierAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "disclosureAt", "reason"],
    real: embargoed,
  },
  // A recipient's answers: the current recipient past its guard too.
  "features/advisories/recipient-actions.ts#acknowledgeAdvisoryAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "revision"],
    real: embargoed,
    roles: RECIPIENT,
  },
  "features/advisories/recipient-actions.ts#fileAdvisoryReportAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "outcome", "affectedVersion", "details", "shared"],
    real: embargoed,
    roles: RECIPIENT,
  },
  "features/advisories/recipient-actions.ts#reportLeakAction": {
    page: advisoryPage,
    args: "state+form",
    fields: ["advisoryId", "whatLeaked", "toWhom", "leakedAt", "prevention"],
    real: embargoed,
    roles: RECIPIENT,
  },
  "features/advisories/recipient-actions.ts#openAdvisoryLinkAction": {
    page: (r) => `/advisories/read/${r.advisoryLinkToken}`,
    args: "form",
    fields: ["token"],
  },
  // Passkeys (issue 23). A challenge is a write (for anyone signed in who may add a passkey, or has one for the
  // step): only the callers refused anyway ask for one — nobody signed in, a team member's e-mail-only session
  // (the passkey step first), an applicant without passkeys (for the step).
  "features/passkeys/actions.ts#passkeyRegistrationOptionsAction": {
    page: () => "/account",
    args: "none",
    fields: [],
    only: ["anonymous", "ownerEmailOnly"],
  },
  "features/passkeys/actions.ts#registerPasskeyAction": {
    page: () => "/account",
    args: "form",
    fields: ["name", "response"],
  },
  "features/passkeys/actions.ts#renamePasskeyAction": {
    page: () => "/account",
    args: "state+form",
    fields: ["id", "name"],
  },
  "features/passkeys/actions.ts#removePasskeyAction": {
    page: () => "/account",
    args: "state+form",
    fields: ["id"],
  },
  "features/passkeys/actions.ts#passkeyStepOptionsAction": {
    page: () => "/signin/passkey",
    args: "none",
    fields: [],
    only: ["anonymous", "applicantB"],
  },
  "features/passkeys/actions.ts#confirmPasskeyStepAction": {
    page: () => "/signin/passkey",
    args: "form",
    fields: ["response"],
  },
};

type Entry = [name: string, value: string | Blob];

/** Values for fields: adversarial strings, a megabyte now and then (either side of the 1 MB limit). */
const fieldValue = adversarialString({ huge: 0 });
const rareHuge = fc.oneof(
  { weight: 24, arbitrary: fieldValue },
  { weight: 1, arbitrary: adversarialString({ huge: 1 }) },
);

/** The form's own fields with adversarial values, some repeated (an array where a string belongs), some left out. */
function formEntries(fields: string[], value: fc.Arbitrary<string>, keepAll: boolean): fc.Arbitrary<Entry[]> {
  if (fields.length === 0) return fc.constant([]);
  return fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.constantFrom(...fields),
          fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: fc.constant(new Blob(["x"])) }),
        ),
        { maxLength: fields.length + 2 },
      ),
      keepAll ? fc.constant(fields) : fc.subarray(fields),
      fc.array(value, { minLength: fields.length, maxLength: fields.length }),
    )
    .map(([extra, present, values]) => [
      ...present.map((name): Entry => [name, values[fields.indexOf(name)] as string]),
      ...extra,
    ]);
}

/** One case's arguments, refused by construction. */
function actionArguments(target: ActionTarget, records: MatrixRecords): fc.Arbitrary<unknown[]> {
  const real = Object.entries(target.real?.(records) ?? {});
  const fuzzed = target.fields.filter((name) => !real.some(([field]) => field === name));
  const wrap = (form: unknown) =>
    fc
      .oneof(fc.constant({ ok: true }), anyValueOf({ sendable: true }))
      .map((state) => (target.args === "state+form" ? [state, form] : [form]));
  const toForm = (entries: Entry[]) => {
    const form = new FormData();
    for (const [name, value] of [...real, ...entries]) form.append(name, value);
    return form;
  };
  // Wrong types: no FormData at all, or too few or too many arguments.
  const wrongTypes = fc.array(anyValueOf({ sendable: true }), { maxLength: 3 });
  if (target.args === "value" || target.args === "none") return wrongTypes;
  // An unknown field: every schema is strict, and a draft is refused whole.
  const unknownField = fc
    .tuple(
      formEntries(fuzzed, rareHuge, false),
      unknownFieldName(target.fields),
      fieldValue,
      fc.constantFrom(...POLLUTING_KEYS),
    )
    .map(([entries, name, value, polluting]): Entry[] => [...entries, [name, value], [polluting, value]])
    .chain((entries) => wrap(toForm(entries)));
  // Every field the schema reads holds a refused character.
  const everyFieldRefused = formEntries(fuzzed, refusedString({ huge: 0 }), true).chain((entries) =>
    wrap(toForm(entries)),
  );
  return fc.oneof(
    { weight: 1, arbitrary: wrongTypes },
    { weight: 2, arbitrary: unknownField },
    ...(target.partial || fuzzed.length === 0 ? [] : [{ weight: 2, arbitrary: everyFieldRefused }]),
  );
}

// ------------------------------------------------- action bodies of one's own making

// Issue 19, item 10: Next answered a server action whose body React's decoder
// refuses with a 500, to anyone. The browser never sends such a body (React
// encodes it); an attacker writes it by hand.

const nested = (levels: number, open: string, inner: string, close: string) =>
  `${open.repeat(levels)}${inner}${close.repeat(levels)}`;
const formOf = (entries: [string, string][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};

/** Bodies Next answered 500: parts that are not there, parts of the wrong kind, too deep, not a list of arguments. */
function undecodableBodies(actionId: string): [string, string | FormData][] {
  return [
    ...['["$Q1"]', '["$F1"]', '["$h1"]', '["$1"]', '["$W1"]', '["$i1"]', '["$B1"]', "null", "1", '"text"'].map(
      (text): [string, string] => [text, text],
    ),
    ["5,000 nested arrays", nested(5000, "[", "", "]")],
    ["5,000 nested objects", nested(5000, '{"a":', "1", "}")],
    ["1,001 arguments", JSON.stringify(Array.from({ length: 1001 }, () => 0))],
    ["a part that is not there", formOf([["0", '["$Q1"]']])],
    [
      "a part after the root",
      formOf([
        ["0", '["$h1"]'],
        ["1", JSON.stringify({ id: actionId, bound: null })],
      ]),
    ],
    [
      "a server function nobody has",
      formOf([
        ["1", '{"id":"no-such-action","bound":null}'],
        ["0", '["$h1"]'],
      ]),
    ],
    [
      "text where a blob belongs",
      formOf([
        ["1", "text"],
        ["0", '["$B1"]'],
      ]),
    ],
  ];
}

/** `$`, one of the reply format's tags (or none: a plain reference), a part's id: what React resolves. */
const reference = fc
  .tuple(fc.constantFrom(..."$@ABDEFGHIKLMNOQRSTUVWXYZghilmnorsux-".split(""), ""), fc.integer({ min: 0, max: 40 }))
  .map(([tag, id]) => `$${tag}${id.toString(16)}`);
const { replyValue } = fc.letrec((tie) => ({
  replyValue: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    reference,
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.constant(null),
    fc.array(tie("replyValue"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie("replyValue"), { maxKeys: 3 }),
  ),
}));
/** A Flight reply written by hand: as text, as parts (in any order, some missing), or nested thousands deep. */
const handWrittenBody: fc.Arbitrary<string | FormData> = fc.oneof(
  { weight: 3, arbitrary: fc.array(replyValue, { maxLength: 4 }).map((args) => JSON.stringify(args)) },
  { weight: 1, arbitrary: replyValue.map((value) => JSON.stringify(value) ?? "null") },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 40 }), replyValue), { minLength: 1, maxLength: 5 })
      .map((parts) => formOf(parts.map(([id, value]) => [id.toString(16), JSON.stringify(value) ?? "null"]))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 8_000 }), fc.boolean())
      .map(([levels, objects]) => (objects ? nested(levels, '{"a":', "0", "}") : nested(levels, "[", "", "]"))),
  },
);

// ------------------------------------------------------------------ routes

type HttpRequest = { method: string; path: string; headers: Record<string, string>; body?: string | FormData };

type RouteTarget = {
  roles: Role[];
  /** Tables a role's refused requests change, by design. */
  mayChange?: Partial<Record<Role, string[]>>;
  /** Requests of a case, refused by construction for the roles that could otherwise change something. */
  requests: (r: MatrixRecords, role: Role) => fc.Arbitrary<HttpRequest>;
  /** It answers every request alike, whatever it carries (a health check, an icon, next-auth's reads): a 2xx is no refusal to judge. */
  answersAnyway?: true;
};

const FORM = "application/x-www-form-urlencoded";
/** A path segment: any text, percent-encoded (lone surrogates made well-formed first), or raw malformed escapes. */
const segment = fc.oneof(
  {
    weight: 4,
    arbitrary: adversarialString({ huge: 0 }).map(
      (text) => encodeURIComponent(text.slice(0, 2_000).toWellFormed()) || "x",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "%",
      "%ZZ",
      "%E0%A4%A",
      "%C0%AF",
      "%FF%FE",
      "%00",
      "%2e%2e",
      "..%2F..%2Fetc",
      "%25%30%30",
    ),
  },
);
/** Parameters: a URL holds at most 16 KB of them (Node answers 431 beyond), so each value is cut to 1,000 characters. */
const queryOf = (names: string[], value = fieldValue) =>
  fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...names, ...POLLUTING_KEYS), fc.string({ maxLength: 8 })),
      value.map((text) => text.slice(0, 1_000)),
    ),
    { maxLength: 6 },
  );
const query = (pairs: [string, string][]) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : "");
const urlencoded = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
/** A body of any kind: a form, JSON (of anything), text, multipart, or none; with the content type it says it is, or another. */
const anyBody = (fields: string[]) =>
  fc.oneof(
    queryOf(fields).map((pairs) => ({ type: FORM, body: urlencoded(pairs) as string | FormData | undefined })),
    anyValueOf({ sendable: true }).map((value) => ({
      type: "application/json",
      body: JSON.stringify(value, (_, inner) => (typeof inner === "bigint" ? Number(inner) : inner)) ?? "null",
    })),
    fc
      .tuple(
        fc.constantFrom("text/plain", "application/json", FORM, "application/xml", "multipart/form-data"),
        fieldValue,
      )
      .map(([type, text]) => ({ type, body: text })),
    queryOf(fields).map((pairs) => {
      const form = new FormData();
      for (const [name, value] of pairs) form.append(name, value);
      return { type: "", body: form };
    }),
    fc.constant({ type: "", body: undefined }),
  );
const bodyRequest = (path: string, body: { type: string; body?: string | FormData }, method = "POST"): HttpRequest => ({
  method,
  path,
  headers: body.type ? { "content-type": body.type } : {},
  body: body.body,
});
/** A query that the member export refuses: no format, or one it does not know. */
const slugs = Object.keys(FORMAT_SLUGS);
const exportQuery = fc
  .tuple(
    queryOf(["since", "format"]),
    fc.option(fieldValue.map((value) => value.slice(0, 1_000)).filter((value) => !slugs.includes(value))),
  )
  .map(([pairs, format]) => [
    ...pairs.filter(([name]) => name !== "format"),
    ...(format === null ? [] : [["format", format] as [string, string]]),
  ]);
/** An audit filter that the export refuses: at least one field it cannot use. */
const auditQuery = fc
  .tuple(
    queryOf(["subject", "actor", "action", "from", "to", "page"]),
    fc.constantFrom("subject", "actor", "action", "from"),
    refusedString({ huge: 0 }),
  )
  .map(([pairs, field, value]): [string, string][] => [...pairs.filter(([name]) => name !== field), [field, value]]);
const NEXTAUTH_PATHS = [
  "session",
  "csrf",
  "providers",
  "signin",
  "signin/email",
  "signout",
  "callback/email",
  "verify-request",
  "error",
  "_log",
  "nope",
];

const ROUTES: Record<string, RouteTarget> = {
  "/applications/[id]/draft/route": {
    roles: EVERYONE,
    requests: (r, role) =>
      fc.oneof(
        // Applicant B's own draft: a form with an unknown field (a draft is refused whole only then), or not a form.
        fc.tuple(queryOf(draftFields), unknownFieldName(draftFields), fieldValue).map(([pairs, name, value]) =>
          bodyRequest(`/applications/${r.applicationB}/draft`, {
            type: FORM,
            body: urlencoded([...pairs, [name, value]]),
          }),
        ),
        anyBody(draftFields)
          .filter((body) => role !== "applicantB" || body.type !== FORM)
          .map((body) => bodyRequest(`/applications/${r.applicationB}/draft`, body)),
        fc.tuple(segment, anyBody(draftFields)).map(([id, body]) => bodyRequest(`/applications/${id}/draft`, body)),
        segment.map((id) => ({ method: "GET", path: `/applications/${id}/draft`, headers: {} })),
      ),
  },
  "/api/exports/members/route": {
    roles: [...EVERYONE, "tokenWithScope"],
    // A valid token's use is stamped (lastUsedAt) as it is checked, before the query is read: it was used.
    mayChange: { tokenWithScope: ["ApiToken"] },
    requests: () =>
      fc.oneof(
        exportQuery.map((pairs) => ({ method: "GET", path: `/api/exports/members${query(pairs)}`, headers: {} })),
        fc.tuple(exportQuery, fieldValue).map(([pairs, secret]) => ({
          method: "GET",
          path: `/api/exports/members${query(pairs)}`,
          // A header holds no control characters or non-Latin-1: fetch refuses to send them.
          headers: { authorization: `Bearer ${secret.replace(/[^\x20-\x7E]/g, "")}` },
        })),
        anyBody(["format"]).map((body) => bodyRequest("/api/exports/members?format=json", body)),
      ),
  },
  "/api/audit/export/route": {
    roles: EVERYONE,
    requests: () =>
      fc.oneof(
        auditQuery.map((pairs) => ({ method: "GET", path: `/api/audit/export${query(pairs)}`, headers: {} })),
        anyBody(["subject"]).map((body) => bodyRequest("/api/audit/export", body)),
      ),
  },
  "/signin/link/route": {
    roles: EVERYONE,
    requests: () =>
      fc.oneof(
        // An unknown field, or an address that is none: never a link sent.
        fc
          .tuple(
            queryOf(["email", "callbackUrl"]),
            unknownFieldName(["email", "callbackUrl"]),
            fieldValue,
            fc.boolean(),
          )
          .map(([pairs, name, value, json]) => {
            const fields = [...pairs, [name, value]] as [string, string][];
            return json
              ? bodyRequest("/signin/link", {
                  type: "application/json",
                  body: JSON.stringify(Object.fromEntries(fields)),
                })
              : bodyRequest("/signin/link", { type: FORM, body: urlencoded(fields) });
          }),
        fc
          .tuple(refusedString({ huge: 0 }), fieldValue)
          .map(([email, callbackUrl]) =>
            bodyRequest("/signin/link", { type: "application/json", body: JSON.stringify({ email, callbackUrl }) }),
          ),
        anyBody(["email"])
          .filter((body) => typeof body.body !== "string" || body.type !== FORM || !/(^|&)email=/.test(body.body))
          .map((body) => bodyRequest("/signin/link", body)),
      ),
  },
  "/signin/confirm/continue/route": {
    roles: EVERYONE,
    requests: () =>
      anyBody(["token", "email", "callbackUrl"]).map((body) => bodyRequest("/signin/confirm/continue", body)),
  },
  "/api/auth/[...nextauth]/route": {
    roles: EVERYONE,
    answersAnyway: true,
    requests: () =>
      fc.oneof(
        fc
          .tuple(fc.constantFrom(...NEXTAUTH_PATHS), queryOf(["callbackUrl", "error", "token", "email", "csrf"]))
          .map(([path, pairs]) => ({
            method: "GET",
            path: `/api/auth/${path}${query(pairs)}`,
            headers: {},
          })),
        fc
          .tuple(fc.constantFrom(...NEXTAUTH_PATHS), anyBody(["csrfToken", "callbackUrl", "email", "json"]))
          .map(([path, body]) => bodyRequest(`/api/auth/${path}`, body)),
      ),
  },
  // A patch file: the team and the current recipient download it; junk ids, queries and bodies are refused.
  "/advisories/[id]/patches/[patchId]/route": {
    roles: [...EVERYONE, ...RECIPIENT],
    answersAnyway: true,
    requests: (r) =>
      fc.oneof(
        fc
          .tuple(segment, segment)
          .map(([id, patch]) => ({ method: "GET", path: `/advisories/${id}/patches/${patch}`, headers: {} })),
        segment.map((patch) => ({
          method: "GET",
          path: `/advisories/${r.advisoryEmbargoed}/patches/${patch}`,
          headers: {},
        })),
        queryOf(["download", "name", "revision"]).map((pairs) => ({
          method: "GET",
          path: `/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}${query(pairs)}`,
          headers: {},
        })),
        anyBody(["file", "advisoryId"]).map((body) =>
          bodyRequest(`/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}`, body),
        ),
      ),
  },
  "/advisories/public/[id]/osv.json/route": {
    roles: EVERYONE,
    answersAnyway: true,
    requests: (r) =>
      fc.oneof(
        segment.map((id) => ({ method: "GET", path: `/advisories/public/${id}/osv.json`, headers: {} })),
        queryOf(["format", "id"]).map((pairs) => ({
          method: "GET",
          path: `/advisories/public/${r.advisoryPublic}/osv.json${query(pairs)}`,
          headers: {},
        })),
        anyBody(["id"]).map((body) => bodyRequest(`/advisories/public/${r.advisoryPublic}/osv.json`, body)),
      ),
  },
  // Signing in with a passkey alone: a challenge for any POST (a write, whoever asks: the challenge table, kept five
  // minutes); answers that sign no one in, refused with the route's message (or its rate limit's, after ten).
  "/signin/passkey/challenge/route": {
    roles: EVERYONE,
    answersAnyway: true,
    mayChange: { anonymous: ["WebAuthnChallenge"], applicantB: ["WebAuthnChallenge"], owner: ["WebAuthnChallenge"] },
    requests: () =>
      fc.oneof(
        anyBody(["response", "callbackUrl"]).map((body) => bodyRequest("/signin/passkey/challenge", body)),
        queryOf(["callbackUrl"]).map((pairs) => ({
          method: "GET",
          path: `/signin/passkey/challenge${query(pairs)}`,
          headers: {},
        })),
      ),
  },
  "/signin/passkey/assertion/route": {
    roles: EVERYONE,
    requests: () =>
      fc.oneof(
        anyBody(["response", "callbackUrl"]).map((body) => bodyRequest("/signin/passkey/assertion", body)),
        // A well-formed answer for a challenge never issued, with any callback; or the answer's fields fuzzed.
        fieldValue.map((callbackUrl) =>
          bodyRequest("/signin/passkey/assertion", {
            type: "application/json",
            body: JSON.stringify({ response: forgedAssertion(), callbackUrl }),
          }),
        ),
        fc
          .tuple(fc.constantFrom("id", "rawId", "type", "clientDataJSON", "authenticatorData", "signature"), fieldValue)
          .map(([field, value]) => {
            const response = forgedAssertion() as Record<string, unknown> & { response: Record<string, unknown> };
            if (field in response) response[field] = value;
            else response.response[field] = value;
            return bodyRequest("/signin/passkey/assertion", {
              type: "application/json",
              body: JSON.stringify({ response }),
            });
          }),
        queryOf(["callbackUrl"]).map((pairs) => ({
          method: "GET",
          path: `/signin/passkey/assertion${query(pairs)}`,
          headers: {},
        })),
      ),
  },
  "/api/health/route": {
    roles: EVERYONE,
    answersAnyway: true,
    requests: () =>
      fc.oneof(
        queryOf(["verbose"]).map((pairs) => ({ method: "GET", path: `/api/health${query(pairs)}`, headers: {} })),
        fc
          .tuple(fc.constantFrom("POST", "PUT", "DELETE", "PATCH"), anyBody(["status"]))
          .map(([method, body]) => bodyRequest("/api/health", body, method)),
      ),
  },
  "/icon.svg/route": {
    roles: EVERYONE,
    answersAnyway: true,
    requests: () =>
      fc.oneof(
        queryOf(["v"]).map((pairs) => ({ method: "GET", path: `/icon.svg${query(pairs)}`, headers: {} })),
        anyBody(["v"]).map((body) => bodyRequest("/icon.svg", body)),
      ),
  },
};

/** A page's path for the fixture's records, with its dynamic segments filled in (some cases put junk there instead). */
function pagePath(route: string, r: MatrixRecords): string {
  const ids: Record<string, string> = {
    "/applications/[id]": r.applicationB,
    "/review/[id]": r.applicationA,
    "/members/[id]": r.contactMember,
    "/attest/[token]": r.attestToken,
    "/confirm-address/[token]": r.addressToken,
    "/confirm-contact/[token]": r.handoverToken,
    "/verify-alias/[token]": r.aliasToken,
    "/vouch/[token]": r.vouchToken,
    "/dev/outbox/[id]": r.outboxMail,
    "/advisories/[id]": r.advisoryEmbargoed,
    "/advisories/read/[token]": r.advisoryLinkToken,
    "/advisories/public/[id]": r.advisoryPublic,
  };
  let path = route.replace(/\/page$/, "") || "/";
  for (const [pattern, id] of Object.entries(ids)) path = path.replace(pattern, pattern.replace(/\[[a-z]+\]/, id));
  return path;
}

const PAGE_PARAMETERS = [
  "q",
  "status",
  "page",
  "state",
  "mine",
  "stale",
  "subject",
  "actor",
  "action",
  "from",
  "to",
  "format",
  "since",
  "notice",
  "callbackUrl",
  "error",
  "link",
  "retry",
  "email",
  "token",
];

function pageRequests(route: string, r: MatrixRecords): fc.Arbitrary<HttpRequest> {
  const path = pagePath(route, r);
  const dynamic = route.includes("[");
  return fc.oneof(
    queryOf(PAGE_PARAMETERS, fc.oneof(fieldValue, refusedString({ huge: 0 }))).map((pairs) => ({
      method: "GET",
      path: `${path}${query(pairs)}`,
      headers: {},
    })),
    // A POST that is no server action: Next reads a form posted to a page as a form's action.
    anyBody(PAGE_PARAMETERS).map((body) => bodyRequest(path, body)),
    ...(dynamic
      ? [
          segment.map((junk) => ({
            method: "GET",
            path: route.replace(/\/page$/, "").replace(/\[[a-z]+\]/, junk),
            headers: {},
          })),
        ]
      : []),
  );
}

// ------------------------------------------------------------------ fixture

let database: TestDatabase & { db: Database };
let mail: MailCatcher;
let portal: RunningPortal;
let fx: MatrixFixture;
let checksums: string;
let initial: Record<string, string>;
/** Tables some batch was allowed to change (see `mayChange`). */
const changedByDesign = new Set<string>();
const figures = { actions: 0, routes: 0, pages: 0, cases: 0, serverErrors: 0, unclear: 0, changed: 0 };
let started = 0;

beforeAll(async () => {
  started = performance.now();
  database = await createMigratedDatabase();
  fx = await createMatrixFixture(database.db);
  checksums = await checksumQuery(database.db, UNWATCHED_TABLES);
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
  initial = await tableChecksums(database.db, checksums);
});

afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  console.log(
    `fuzzing: ${figures.actions} actions and ${figures.routes} routes × ${CASES} cases + ${figures.pages} pages × ` +
      `${PAGE_CASES} cases, for each role = ` +
      `${figures.cases} cases, ${figures.serverErrors} server errors, ${figures.unclear} unclear errors, ` +
      `${figures.changed} rows changed, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

const credentials = (role: Role) => credentialsOf(fx, role);

/**
 * Next's error page, or an unexpected error's digest (a number) in a Flight
 * answer; not the digests of notFound() and redirect(), which are answers.
 */
const NEXT_ERROR = /"digest":"\d+"|Application error|Internal Server Error|This page couldn.t load/i;

/**
 * What an action returned, read from its Flight answer: row 0 points at the
 * row of the value; a long string is a row of its own ("2:T<length>,<text>",
 * its length in UTF-8 bytes) that the value names as "$2".
 */
function flightValue(body: string): { value: unknown; hasValue: boolean } {
  const bytes = Buffer.from(body, "utf8");
  const rows = new Map<string, string>();
  for (let at = 0; at < bytes.length; ) {
    const colon = bytes.indexOf(0x3a, at);
    if (colon < 0) break;
    const id = bytes.subarray(at, colon).toString();
    if (bytes[colon + 1] === 0x54) {
      const comma = bytes.indexOf(0x2c, colon);
      const length = Number.parseInt(bytes.subarray(colon + 2, comma).toString(), 16);
      rows.set(id, JSON.stringify(bytes.subarray(comma + 1, comma + 1 + length).toString()));
      at = comma + 1 + length;
    } else {
      const end = bytes.indexOf(0x0a, colon) < 0 ? bytes.length : bytes.indexOf(0x0a, colon);
      rows.set(id, bytes.subarray(colon + 1, end).toString());
      at = end + 1;
    }
  }
  // A row that is no JSON value (a client reference, `I[…]`, which a page's
  // layout brings along) is kept as its text: only the action's value is read.
  const row = (id: string): unknown => {
    const text = rows.get(id) ?? "null";
    if (/^[A-Z]/.test(text)) return text;
    return JSON.parse(text, (_, value) =>
      typeof value !== "string" || !value.startsWith("$")
        ? value
        : value.startsWith("$$")
          ? value.slice(1)
          : /^\$[0-9a-f]+$/.test(value)
            ? row(value.slice(1))
            : value === "$undefined"
              ? undefined
              : value,
    );
  };
  const pointer = /^\$@([0-9a-f]+)$/.exec(String((row("0") as { a?: unknown } | null)?.a ?? ""))?.[1];
  if (pointer === undefined || !rows.has(pointer) || rows.get(pointer)?.startsWith("E"))
    return { value: undefined, hasValue: false };
  return { value: row(pointer), hasValue: true };
}

const describeValue = (value: unknown) => {
  let text: string;
  const shown = (_: string, inner: unknown) =>
    typeof inner === "bigint"
      ? `${inner}n`
      : inner instanceof FormData
        ? {
            FormData: [...inner.entries()].map(([name, entry]) => [
              name,
              typeof entry === "string" ? entry : "(a file)",
            ]),
          }
        : inner;
  try {
    text = JSON.stringify(value, shown) ?? typeof value;
  } catch {
    text = `(a ${typeof value} JSON cannot show)`;
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
};

/** Runs `numRuns` cases of one target as one role, its tables fingerprinted before and after. */
async function batch<T>(
  where: string,
  arbitrary: fc.Arbitrary<T>,
  send: (input: T) => Promise<string | null>,
  numRuns: number,
  problems: string[],
  mayChange: string[] = [],
) {
  const before = await tableChecksums(database.db, checksums);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      figures.cases++;
      const problem = await send(input);
      if (problem) problems.push(`${where}: ${problem}\n    for ${describeValue(input)}`);
    }),
    // No shrinking: every case is reported as it was sent, and the table fingerprints cover the whole batch.
    { seed, numRuns, endOnFailure: true },
  );
  const changed = changedTables(before, await tableChecksums(database.db, checksums)).filter(
    (table) => !mayChange.includes(table),
  );
  for (const table of mayChange) changedByDesign.add(table);
  if (changed.length) {
    figures.changed += changed.length;
    problems.push(`${where}: changed ${changed.join(", ")}`);
  }
}

// ------------------------------------------------------------------ the checks

describe("fuzzing over HTTP", () => {
  it("has a target for every server action and route handler of the build", () => {
    const actions = builtActions().map((action) => action.key);
    const handlers = builtRoutes().filter((route) => route.endsWith("/route"));
    expect({
      actionsWithoutTarget: actions.filter((key) => !(key in ACTIONS)),
      targetsWithoutAction: Object.keys(ACTIONS).filter((key) => !actions.includes(key)),
      routesWithoutTarget: handlers.filter((route) => !(route in ROUTES)),
      targetsWithoutRoute: Object.keys(ROUTES).filter((route) => !handlers.includes(route)),
    }).toEqual({
      actionsWithoutTarget: [],
      targetsWithoutAction: [],
      routesWithoutTarget: [],
      targetsWithoutRoute: [],
    });
  });

  it("answers every server action's adversarial arguments with a clear refusal, and changes no row", {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    const built = new Map(builtActions().map((action) => [action.key, action]));
    for (const [key, target] of Object.entries(ACTIONS)) {
      const action = built.get(key);
      if (!action) continue;
      figures.actions++;
      const page = target.page(fx.records);
      if (!action.routes.some((route) => routePattern(route).test(page))) {
        problems.push(`${key}: ${page} is not one of the pages that host it`);
        continue;
      }
      for (const role of target.only ?? [...EVERYONE, ...(target.roles ?? [])]) {
        await batch(
          `${role} ${key.split("#")[1]}`,
          actionArguments(target, fx.records),
          async (args) => {
            const logged = portal.output().length;
            const answer = await callServerAction(portal.baseUrl, {
              id: action.id,
              page,
              args,
              headers: credentials(role),
            });
            if (answer.status >= 500) {
              figures.serverErrors++;
              return `answered ${answer.status}: ${answer.body.slice(0, 300)}\n    the portal said: ${portal.output().slice(logged).slice(-1500)}`;
            }
            const unclear = actionUnclear(target, answer);
            if (unclear) figures.unclear++;
            return unclear;
          },
          CASES,
          problems,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers an action body React cannot decode with a 400, not Next's 500 (issue 19, item 10)", async () => {
    const built = new Map(builtActions().map((action) => [action.key, action]));
    const answers: string[] = [];
    for (const [key, page] of [
      ["features/applications/actions.ts#saveApplicationDraftAction", `/applications/${fx.records.applicationB}/edit`],
      ["features/applications/actions.ts#startApplicationAction", "/apply"],
    ] as const) {
      const id = built.get(key)?.id as string;
      for (const [label, body] of undecodableBodies(id)) {
        const answer = await sendActionBody(portal.baseUrl, { id, page, body, headers: credentials("applicantB") });
        answers.push(`${key.split("#")[1]} ${label}: ${answer.status} ${answer.body.trim()}`);
      }
      // A form posted without scripts whose bound arguments reference nothing: Next decodes it with decodeAction.
      for (const bound of ["$Q1", "$@1", "$h1"]) {
        const form = formOf([
          ["$ACTION_REF_1", ""],
          ["$ACTION_1:0", JSON.stringify({ id, bound })],
        ]);
        const response = await fetch(`${portal.baseUrl}${page}`, {
          method: "POST",
          headers: { origin: portal.baseUrl },
          body: form,
        });
        answers.push(
          `${key.split("#")[1]} form bound to ${bound}: ${response.status} ${(await response.text()).trim()}`,
        );
      }
    }
    const refused = "400 Malformed request: the action's arguments cannot be read.";
    expect(answers.filter((answer) => !answer.endsWith(`: ${refused}`))).toEqual([]);
  });

  it("answers every server action's hand-written Flight bodies without a server error, and changes no row", {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    for (const action of builtActions()) {
      const target = ACTIONS[action.key];
      if (!target) continue;
      const page = target.page(fx.records);
      // Arguments are decoded before any guard runs: who asks makes no difference (but to who may run it at all).
      const role = target.only?.[0] ?? "applicantB";
      await batch(
        `${role} ${action.key.split("#")[1]} (hand-written)`,
        handWrittenBody,
        async (body) => {
          const logged = portal.output().length;
          const answer = await sendActionBody(portal.baseUrl, {
            id: action.id,
            page,
            body,
            headers: credentials(role),
          });
          if (answer.status >= 500) {
            figures.serverErrors++;
            return `answered ${answer.status}: ${answer.body.slice(0, 300)}\n    the portal said: ${portal.output().slice(logged).slice(-1500)}`;
          }
          const unclear = actionUnclear(target, answer);
          if (unclear) figures.unclear++;
          return unclear;
        },
        CASES,
        problems,
      );
    }
    expect(problems).toEqual([]);
  });

  it("answers every route handler's adversarial requests with a clear refusal, and changes no row", {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    for (const [route, target] of Object.entries(ROUTES)) {
      figures.routes++;
      for (const role of target.roles) {
        await batch(
          `${role} ${route}`,
          target.requests(fx.records, role),
          (request) => sendRoute(request, role, target.answersAnyway ?? false),
          CASES,
          problems,
          target.mayChange?.[role],
        );
      }
    }
    expect(problems).toEqual([]);
  });

  // Found by this file: next-auth answered these with a 500 ("a problem with the server configuration").
  it("answers a callback URL next-auth cannot read, in the query or its cookie, with a 400", async () => {
    const answers = [];
    for (const [path, cookie] of [
      ["/api/auth/csrf?callbackUrl=http%3A%2F%2F%5B", ""],
      ["/api/auth/session?callbackUrl=%2Fapply&callbackUrl=javascript%3A", ""],
      ["/api/auth/providers", "next-auth.callback-url=http%3A%2F%2F%5B"],
    ] as const) {
      const response = await fetch(`${portal.baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
      answers.push([path, response.status, await response.text(), response.headers.get("set-cookie") ?? ""]);
    }
    expect(answers).toEqual([
      [expect.any(String), 400, '{"error":"The callback URL is not an address of this site."}', ""],
      [expect.any(String), 400, '{"error":"The callback URL is not an address of this site."}', ""],
      [
        expect.any(String),
        400,
        '{"error":"The callback URL is not an address of this site."}',
        expect.stringMatching(/^next-auth\.callback-url=; Path=\/; Max-Age=0/),
      ],
    ]);
    const fine = await fetch(`${portal.baseUrl}/api/auth/csrf?callbackUrl=%2Fapply`);
    expect(fine.status).toBe(200);
  });

  // Found by this file: Next answered the first three with a bare 500, and the long address came back as a 503.
  it("answers a path that does not decode, a form Next cannot parse posted to a page, and a long address with a 4xx", async () => {
    const answers = [];
    for (const [method, path, type, body] of [
      ["GET", "/applications/%ZZ", "", undefined],
      ["POST", "/applications/%C0%AF/draft", FORM, "a=b"],
      ["POST", "/signin", "multipart/form-data", "junk"],
      ["POST", "/api/audit/export", "multipart/form-data; boundary=x", "--x\r\nno end"],
      ["GET", `/applications/${"%E2%80%AE".repeat(1_400)}`, "", undefined],
    ] as const) {
      const response = await fetch(`${portal.baseUrl}${path}`, {
        method,
        headers: { origin: portal.baseUrl, ...(type ? { "content-type": type } : {}) },
        body,
      });
      answers.push([path.slice(0, 40), response.status]);
    }
    expect(answers).toEqual([
      ["/applications/%ZZ", 400],
      ["/applications/%C0%AF/draft", 400],
      ["/signin", 400],
      ["/api/audit/export", 400],
      ["/applications/%E2%80%AE%E2%80%AE%E2%80%A", 414],
    ]);
  });

  it("answers every page's adversarial URL and body without a server error, and changes no row", {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    for (const route of builtRoutes().filter((name) => name.endsWith("/page"))) {
      figures.pages++;
      for (const role of EVERYONE) {
        await batch(
          `${role} ${route}`,
          pageRequests(route, fx.records),
          (request) => sendRoute(request, role, true),
          PAGE_CASES,
          problems,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("changed no row afterwards either (work Next does after a response)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const late = changedTables(initial, await tableChecksums(database.db, checksums)).filter(
      (table) => !changedByDesign.has(table),
    );
    figures.changed += late.length;
    expect(late).toEqual([]);
  });
});

type Answer = Awaited<ReturnType<typeof callServerAction>>;

/** Why an action's answer is no clear refusal, or null when it is. */
function actionUnclear(target: ActionTarget, raw: Answer): string | null {
  const answer = { ...raw, ...flightValue(raw.body) };
  const shown = `${answer.status}${answer.redirect ? ` → ${answer.redirect}` : ""} ${describeValue(answer.value)}`;
  if (NEXT_ERROR.test(answer.body)) return `answered with an error digest: ${answer.body.slice(0, 300)}`;
  if (answer.status >= 400) return answer.body.trim() ? null : `answered ${answer.status} with nothing to say`;
  if (answer.redirect) return null;
  if (target.silent && answer.value === undefined) return null;
  const value = answer.value as
    | { ok?: unknown; formError?: unknown; fieldErrors?: Record<string, unknown> }
    | undefined;
  if (value?.ok === true) return `accepted it: ${shown}`;
  if (value?.ok !== false) return `answered no failure: ${shown}: ${answer.body.slice(0, 1500)}`;
  const messages = [value.formError, ...Object.values(value.fieldErrors ?? {}).flat()].filter(
    (message): message is string => typeof message === "string",
  );
  if (messages.length === 0 || messages.some((message) => message.trim() === "" || message === "Invalid input")) {
    return `refused without a message: ${shown}`;
  }
  return null;
}

/** Sends a request to a route handler or page; why its answer is a server error or no clear refusal, or null. */
async function sendRoute(request: HttpRequest, role: Role, answersAnyway: boolean): Promise<string | null> {
  const response = await fetch(`${portal.baseUrl}${request.path}`, {
    method: request.method,
    redirect: "manual",
    headers: {
      ...credentials(role),
      ...request.headers,
      ...(request.method === "GET" ? {} : { origin: portal.baseUrl }),
    },
    body: request.method === "GET" ? undefined : request.body,
  });
  const body = await response.text();
  const shown = `${response.status} ${body.slice(0, 200)}`;
  if (response.status >= 500) {
    figures.serverErrors++;
    return `answered ${shown}`;
  }
  const unclear = (() => {
    if (NEXT_ERROR.test(body)) return `answered with an error digest: ${shown}`;
    if (response.status >= 300 && response.status < 400)
      return response.headers.get("location") ? null : `redirected nowhere: ${shown}`;
    if (response.status >= 400) {
      // The status says it all: a method the handler does not have, a URL or a body too large.
      if ([405, 413, 414, 431].includes(response.status)) return null;
      return body.trim() ? null : `answered ${response.status} with nothing to say`;
    }
    return answersAnyway ? null : `accepted it: ${shown}`;
  })();
  if (unclear) figures.unclear++;
  return unclear;
}
