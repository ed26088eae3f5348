// E-mail identity (issue 12): an address is an identity (SECURITY.md, "E-mail
// comparison"), stored in one normal form (trimmed, NFKC, lower-cased, plain
// ASCII) and compared with equality only. Look-alikes of a member's contact
// and of two team members (with "_" and "%" in their addresses, which a
// pattern comparison would take as wildcards) are tried everywhere an
// address is an identity: the sign-in link and the session it leads to, the
// team roster and the gate of the team's pages, a member contact's page, and
// the vouch an applicant asks of a member's contact. The rule: equal after
// normalisation is the same identity, anything else is a different identity
// or a clear refusal. Each look-alike's normal form is written out here (not
// computed by the code under test), so a change in normalisation fails too.
import { domainToASCII } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startApplication } from "@/features/applications/mutations";
import { submitApplication } from "@/features/applications/submission";
import { findSessionViewer, findTeamRole } from "@/features/auth/data";
import { mayOpenPage } from "@/features/team/gate";
import { findVouchingMember } from "@/features/vouches/mutations";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { completeForm, config, context, createMember, createUser } from "@/test/helpers/fixtures";
import { confirmSignIn, requestSignInLink } from "@/test/helpers/http-sign-in";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { createReviewer, markAliasVerified } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { saveDraftForm } from "@/test/helpers/validated";

// The data functions are imported outside Next, which resolves "server-only" to nothing on the server.
vi.mock("server-only", () => ({}));

const CONTACT = "security@acme.example";
const REVIEWER = "rev_iewer@kmesh.example";
const OWNER = "pro%file@kmesh.example";
const ACME = "Acme Mesh";
const ROSTER: Record<string, "REVIEWER" | "OWNER"> = { [REVIEWER]: "REVIEWER", [OWNER]: "OWNER" };

/** A look-alike as typed, and its normal form (null: refused). */
type LookAlike = { label: string; typed: string; normal: string | null };
const same = (label: string, typed: string, of: string): LookAlike => ({ label, typed, normal: of });
const other = (label: string, typed: string): LookAlike => ({ label, typed, normal: typed });
const refused = (label: string, typed: string): LookAlike => ({ label, typed, normal: null });

const LOOK_ALIKES: LookAlike[] = [
  // The member's contact.
  same("the contact itself", CONTACT, CONTACT),
  same("upper case", "SECURITY@ACME.EXAMPLE", CONTACT),
  same("mixed case", "Security@Acme.Example", CONTACT),
  same("surrounding whitespace", "  security@acme.example\t", CONTACT),
  same("no-break spaces", "\u00a0security@acme.example\u00a0", CONTACT),
  same("fullwidth local part", "ｓｅｃｕｒｉｔｙ@acme.example", CONTACT),
  same("fullwidth domain", "security@ａｃｍｅ.example", CONTACT),
  same("long s (NFKC)", "ſecurity@acme.example", CONTACT),
  same("mathematical bold (NFKC)", "𝐬𝐞𝐜𝐮𝐫𝐢𝐭𝐲@acme.example", CONTACT),
  same("circled letter (NFKC)", "ⓢecurity@acme.example", CONTACT),
  other("plus-addressing", "security+x@acme.example"),
  other("a dot in the local part", "sec.urity@acme.example"),
  other("a subdomain", "security@eu.acme.example"),
  other("_ for a letter", "secur_ty@acme.example"),
  other("% for a letter", "secur%ty@acme.example"),
  other("% for the local part", "%@acme.example"),
  other("punycode of a Cyrillic domain", "security@xn--cme-5cd.example"),
  // The portal takes top-level labels of letters only: an IDN one is refused.
  refused("punycode of a Cyrillic top-level label", "security@acme.xn--exampl-8of"),
  refused("trailing dot in the domain", "security@acme.example."),
  refused("Cyrillic е", "sеcurity@acme.example"),
  refused("Cyrillic с", "seсurity@acme.example"),
  refused("Cyrillic а in the domain", "security@аcme.example"),
  refused("Cyrillic е in the top-level label", "security@acme.examplе"),
  refused("dotless ı", "securıty@acme.example"),
  refused("dotted capital İ", "securİty@acme.example"),
  refused("combining acute", "se\u0301curity@acme.example"),
  refused("combining dot above", "securi\u0307ty@acme.example"),
  refused("zero-width joiner", "secu\u200drity@acme.example"),
  refused("quoted local part", '"security"@acme.example'),
  refused("quoted address", '"security@acme.example"'),
  refused("backslash", "secu\\rity@acme.example"),
  refused("a display name", "Acme <security@acme.example>"),
  refused("circled a, a look-alike at sign", "security@ⓐcme.example"),
  // A reviewer with "_" in the address.
  same("the reviewer itself", REVIEWER, REVIEWER),
  same("upper case", "REV_IEWER@KMESH.EXAMPLE", REVIEWER),
  same("fullwidth low line (NFKC)", "rev＿iewer@kmesh.example", REVIEWER),
  other("a letter for _", "revxiewer@kmesh.example"),
  other("a dot for _", "rev.iewer@kmesh.example"),
  other("% for _", "rev%iewer@kmesh.example"),
  other("a prefix and %", "rev%@kmesh.example"),
  other("% for everyone", "%@kmesh.example"),
  other("_ twice", "rev__iewer@kmesh.example"),
  other("_ for the first letter", "_ev_iewer@kmesh.example"),
  other("plus-addressing", "rev_iewer+x@kmesh.example"),
  other("punycode of a Cyrillic domain", "rev_iewer@xn--kmsh-w4d.example"),
  refused("escaped _", "rev\\_iewer@kmesh.example"),
  refused("dotless ı", "rev_ıewer@kmesh.example"),
  refused("Cyrillic е in the domain", "rev_iewer@kmеsh.example"),
  refused("trailing dot in the domain", "rev_iewer@kmesh.example."),
  // An owner with "%" and "fi" in the address.
  same("the owner itself", OWNER, OWNER),
  same("mixed case", "Pro%FILE@Kmesh.EXAMPLE", OWNER),
  same("ﬁ ligature (NFKC)", "pro%ﬁle@kmesh.example", OWNER),
  same("fullwidth percent (NFKC)", "pro％file@kmesh.example", OWNER),
  other("a letter for %", "proxfile@kmesh.example"),
  other("nothing for %", "profile@kmesh.example"),
  other("letters for %", "proxyzfile@kmesh.example"),
  other("percent-encoded %", "pro%25file@kmesh.example"),
  other("_ for %", "pro_file@kmesh.example"),
  refused("Greek ο", "prο%file@kmesh.example"),
  refused("Cyrillic о", "prо%file@kmesh.example"),
  refused("escaped %", "pro\\%file@kmesh.example"),
];

/** The checks each look-alike goes through (see the tests below). */
const CHECKS = ["normal form", "sign-in mail", "session", "team role", "team pages", "membership", "vouch"] as const;

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;
let portal: RunningPortal;
let started = 0;
const figures = { confused: 0 };
/** The session cookie each look-alike's sign-in ended with (none when refused). */
const sessions = new Map<LookAlike, string>();

beforeAll(async () => {
  started = performance.now();
  database = await createMigratedDatabase();
  db = database.db;
  await createMember(db, {
    distributionName: ACME,
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: CONTACT,
  });
  await createUser(db, CONTACT);
  for (const [email, role] of Object.entries(ROSTER)) await createReviewer(db, email, role);
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
}, 300_000);

afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  console.log(
    `e-mail identity: ${LOOK_ALIKES.length} look-alike addresses × ${CHECKS.length} checks, ` +
      `${figures.confused} confused identities, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

/** The current test's mismatches, each a confused identity; every test ends by asserting there are none. */
const confusions: string[] = [];

/** One check of one look-alike: a mismatch is recorded with the look-alike, and the test goes on to the next. */
function check(lookAlike: LookAlike, what: (typeof CHECKS)[number], actual: unknown, expected: unknown): boolean {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return true;
  figures.confused++;
  confusions.push(
    `${what}: ${lookAlike.label} ${JSON.stringify(lookAlike.typed)}: got ${JSON.stringify(actual)}, ` +
      `expected ${JSON.stringify(expected)}`,
  );
  return false;
}

afterEach(() => {
  expect(confusions.splice(0)).toEqual([]);
});

const roleOf = (normal: string | null) => (normal ? (ROSTER[normal] ?? null) : null);
const vouchMails = () =>
  db.outboxMail.findMany({ where: { text: { contains: "/vouch/" } }, select: { id: true, to: true } });
/** The mail catcher shows a punycode domain in Unicode: the same domain, spelt as the portal stores it. */
const asciiAddress = (address: string) =>
  `${address.slice(0, address.lastIndexOf("@"))}@${domainToASCII(address.slice(address.lastIndexOf("@") + 1))}`;
const cookieFor = (session: string | undefined): Record<string, string> =>
  session ? { cookie: `next-auth.session-token=${session}` } : {};
const get = (path: string, session: string | undefined) =>
  fetch(`${portal.baseUrl}${path}`, { redirect: "manual", headers: cookieFor(session) });

describe("e-mail identity", () => {
  it("writes each look-alike's normal form as normalizeEmail computes it", () => {
    for (const lookAlike of LOOK_ALIKES)
      check(lookAlike, "normal form", normalizeEmail(lookAlike.typed), lookAlike.normal);
  });

  it("mails a sign-in link only to the normal form, and signs in as that address and nobody else", async () => {
    for (const lookAlike of LOOK_ALIKES) {
      // The limits (5 links an address, 200 a client) are not what this test is about.
      await db.rateLimitBucket.deleteMany();
      const mark = new Date(Date.now() - 1);
      const before = mail.messages.length;
      const asked = await requestSignInLink(portal.baseUrl, lookAlike.typed);
      const queued = await db.outboxMail.findMany({
        where: { createdAt: { gte: mark }, subject: { contains: "Sign in" } },
        select: { to: true },
      });
      const queuedAsExpected = check(
        lookAlike,
        "sign-in mail",
        { status: asked.status, to: queued.map((row) => row.to) },
        { status: lookAlike.normal ? 200 : 400, to: lookAlike.normal ? [lookAlike.normal] : [] },
      );
      if (!lookAlike.normal || !queuedAsExpected) continue;
      const normal = lookAlike.normal;
      const message = await mail.waitFor(
        (m) => mail.messages.indexOf(m) >= before && m.envelopeTo.map(asciiAddress).includes(normal),
      );
      const link = new URL(message.mail.text?.match(/https?:\/\/\S+\/signin\/confirm\S*/)?.[0] ?? "about:blank");
      // The link names no address (it is typed when the link is opened in another browser); the session says whose it is.
      check(
        lookAlike,
        "sign-in mail",
        {
          to: mail.messages.slice(before).flatMap((m) => m.envelopeTo.map(asciiAddress)),
          email: link.searchParams.get("email"),
        },
        { to: [normal], email: null },
      );
      const confirmed = await confirmSignIn(portal.baseUrl, link);
      const cookie = confirmed.headers
        .getSetCookie()
        .find((line) => line.startsWith("next-auth.session-token="))
        ?.split(";")[0]
        ?.split("=")[1];
      if (!check(lookAlike, "session", { signedIn: Boolean(cookie) }, { signedIn: true })) continue;
      sessions.set(lookAlike, cookie as string);
      const session = (await (await get("/api/auth/session", cookie)).json()) as {
        user?: { email?: string };
        role?: string | null;
      };
      check(
        lookAlike,
        "session",
        { email: session.user?.email, role: session.role ?? null },
        { email: lookAlike.normal, role: roleOf(lookAlike.normal) },
      );
    }
  }, 300_000);

  it("finds a team role for the rostered address only, with the data functions, the gate and the team's pages", async () => {
    for (const lookAlike of LOOK_ALIKES) {
      const session = sessions.get(lookAlike);
      const cookies = {
        get: (name: string) => (session && name === "next-auth.session-token" ? { value: session } : undefined),
      };
      const expected = roleOf(lookAlike.normal);
      check(
        lookAlike,
        "team role",
        {
          findTeamRole: await findTeamRole(db, lookAlike.typed),
          findSessionViewer: session ? ((await findSessionViewer(db, session))?.role ?? null) : null,
          gate: await mayOpenPage(db, "/review", cookies, false),
        },
        { findTeamRole: expected, findSessionViewer: expected, gate: expected !== null },
      );
      const pages = await Promise.all(
        ["/review", "/members", "/team"].map(async (path) => (await get(path, session)).status),
      );
      check(lookAlike, "team pages", pages, [
        expected ? 200 : 404,
        expected ? 200 : 404,
        expected === "OWNER" ? 200 : 404,
      ]);
    }
  }, 120_000);

  it("recognises the member's contact on /membership only when signed in as its address", async () => {
    for (const lookAlike of LOOK_ALIKES) {
      const session = sessions.get(lookAlike);
      const isContact = lookAlike.normal === CONTACT;
      const vouching = lookAlike.normal ? await findVouchingMember(db, lookAlike.normal) : null;
      const membership = session ? await (await get("/membership", session)).text() : "";
      check(
        lookAlike,
        "membership",
        { page: membership.includes(ACME), vouchingMember: vouching?.contactEmail ?? null },
        { page: isContact, vouchingMember: isContact ? CONTACT : null },
      );
    }
  }, 120_000);

  it("asks the member's contact to vouch only when the applicant names its address", async () => {
    let count = 0;
    for (const lookAlike of LOOK_ALIKES) {
      count++;
      const domain = `applicant${count}.example`;
      const applicant = await createUser(db, `lead@${domain}`);
      const draft = await startApplication(db, applicant, config);
      if (!draft.ok) throw new Error("no draft");
      const alias = `kmesh-security@${domain}`;
      await saveDraftForm(
        db,
        applicant,
        draft.id,
        completeForm({
          distributionName: `Applicant ${count} Mesh`,
          organisation: `Applicant ${count}`,
          website: `https://${domain}`,
          orgDomains: domain,
          listAddresses: alias,
          securityAlias: alias,
          voucherEmail: lookAlike.typed,
        }),
        config,
      );
      await markAliasVerified(db, draft.id, alias);
      const earlier = new Set((await vouchMails()).map((row) => row.id));
      const submitted = await submitApplication(db, applicant, draft.id, config, context);
      const stored = await db.application.findUniqueOrThrow({
        where: { id: draft.id },
        select: { voucherEmail: true },
      });
      const vouches = await db.vouch.findMany({ where: { applicationId: draft.id }, select: { voucherEmail: true } });
      const mailedTo = (await vouchMails()).filter((row) => !earlier.has(row.id)).map((row) => row.to);
      const isContact = lookAlike.normal === CONTACT;
      // A draft keeps what was typed; the address counts from submission, where it is parsed and normalised.
      check(
        lookAlike,
        "vouch",
        {
          submitted: submitted.ok,
          voucherRefused: !submitted.ok && "fieldErrors" in submitted && Boolean(submitted.fieldErrors?.voucherEmail),
          voucher: submitted.ok ? stored.voucherEmail : null,
          vouches: vouches.map((vouch) => vouch.voucherEmail),
          mailedTo,
        },
        {
          submitted: isContact,
          voucherRefused: !isContact,
          voucher: isContact ? CONTACT : null,
          vouches: isContact ? [CONTACT] : [],
          mailedTo: isContact ? [CONTACT] : [],
        },
      );
    }
  }, 120_000);
});
