// The form's early duplicate check, called as the browser calls it: the
// server action with a session cookie. It says what submission would say
// about the organisation, domains and addresses, and nothing more.
import { describe, expect, it, vi } from "vitest";
import { startApplication } from "@/features/applications/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Viewer } from "@/features/auth/data";
import { config, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));

const { checkDraftForDuplicatesAction } = await import("@/features/applications/actions");
const { DUPLICATE_CHECKS } = await import("@/features/applications/duplicates");

const db = withReviewDatabase();

let people = 0;

/** A signed-in applicant (the session cookie is theirs from now on) with an empty draft. */
async function signedInWithDraft(email = `applicant${++people}@umbrella${people}.example`) {
  const known = await db.user.findUnique({ where: { email }, select: { id: true, email: true } });
  const applicant: Viewer = known ? { ...known, role: null } : await createUser(db, email);
  const token = `cookie-${email}-${Math.random()}`;
  await db.session.create({
    data: { sessionToken: hashSessionToken(token), userId: applicant.id, expires: new Date(Date.now() + 3_600_000) },
  });
  session.cookie = token;
  const draft = await startApplication(db, applicant, config);
  if (!draft.ok) throw new Error("no draft");
  return { applicant, id: draft.id };
}

const check = (applicationId: string, fields: Record<string, string>) => {
  const form = new FormData();
  form.set("applicationId", applicationId);
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return checkDraftForDuplicatesAction(form);
};

describe("the early duplicate check", () => {
  it("points the member's own contact at the membership page, by the member's name", async () => {
    const { id } = await signedInWithDraft("security@acme.example");
    expect(await check(id, { orgDomains: "acme.example" })).toEqual({
      ok: true,
      duplicate: {
        message: expect.stringMatching(/already belongs to Acme Mesh, a member of the list whose contact you are/),
        href: "/membership",
      },
    });
  });

  it("tells someone at the member's domains who its contact is, and nobody else", async () => {
    // Signing in proved this mailbox at the member's domain (or a subdomain of it).
    for (const email of ["colleague@acme.example", "ops@labs.acme.example"]) {
      const { id } = await signedInWithDraft(email);
      expect(await check(id, { orgDomains: "acme.example" })).toEqual({
        ok: true,
        duplicate: {
          message: expect.stringMatching(
            /already belongs to Acme Mesh, a member of the list\. Its contact for the list is security@acme\.example: ask them to request the address change from their membership page/,
          ),
          href: null,
        },
      });
    }
    // A look-alike domain is not the member's: compared by equality, label by label.
    for (const email of ["someone@notacme.example", "someone@acme.example.evil.example"]) {
      const { id } = await signedInWithDraft(email);
      const said = JSON.stringify(await check(id, { orgDomains: "acme.example" }));
      expect(said).toMatch(/ask your organisation's contact/);
      expect(said).not.toMatch(/security@acme\.example|Acme Mesh/);
    }
  });

  it("tells anyone else to ask their organisation's contact, naming neither the member nor the contact", async () => {
    const { id } = await signedInWithDraft("newcomer@stark.example");
    // Normalised and compared by equality: case, spacing, a subdomain, an address at the domain, the name.
    const variants: Record<string, string>[] = [
      { orgDomains: "ACME.Example" },
      { orgDomains: "labs.acme.example" },
      { listAddresses: "Kmesh-Security@acme.example" },
      { organisation: "  ACME " },
      { organisation: "Someone Else", orgDomains: "other.example\nacme.example" },
    ];
    for (const fields of variants) {
      const result = await check(id, fields);
      expect(result).toEqual({
        ok: true,
        duplicate: { message: expect.stringMatching(/ask your organisation's contact/), href: null },
      });
      const said = JSON.stringify(result);
      expect(said).not.toMatch(/security@acme\.example/);
      expect(said).not.toMatch(/Acme Mesh/);
    }
  });

  it("says that another open application has the domain, linking it only for its own applicant", async () => {
    const pending = await applicationReadyForReview(db, { domain: "pending.example" });
    const { id } = await signedInWithDraft();
    const result = await check(id, { orgDomains: "pending.example" });
    expect(result).toEqual({
      ok: true,
      duplicate: { message: expect.stringMatching(/An application for this .* is already open/), href: null },
    });
    expect(JSON.stringify(result)).not.toMatch(/Vendor \d+ Mesh|lead@pending\.example/);
    expect(await check(id, { listAddresses: "psirt@pending.example" })).toMatchObject({
      duplicate: { href: null },
    });

    // Its own applicant, starting a second draft, is sent to the first.
    const again = await signedInWithDraft(pending.applicant.email);
    expect(await check(again.id, { orgDomains: "pending.example" })).toEqual({
      ok: true,
      duplicate: {
        message: expect.stringMatching(/You already have an open application .*\(Vendor \d+ Mesh\)/),
        href: `/applications/${pending.id}`,
      },
    });
  });

  it("finds nothing for a new organisation, for empty fields, or a list still being typed", async () => {
    const { id } = await signedInWithDraft();
    const none = { ok: true, duplicate: null };
    expect(
      await check(id, {
        organisation: "Umbrella",
        orgDomains: "umbrella.example",
        listAddresses: "kmesh-security@umbrella.example",
      }),
    ).toEqual(none);
    expect(await check(id, {})).toEqual(none);
    expect(await check(id, { organisation: "---", orgDomains: "", listAddresses: "" })).toEqual(none);
    // "acme" is on its way to acme.example: not a domain yet, so not compared (and no error: the draft shows those).
    expect(await check(id, { orgDomains: "acme" })).toEqual(none);
    // Only equality: a pattern's wildcard matches nothing.
    expect(await check(id, { orgDomains: "%.example" })).toEqual(none);
    expect(await check(id, { organisation: "%" })).toEqual(none);
  });

  it("saves nothing and accepts only the identity fields, within the form's limits", async () => {
    const { id } = await signedInWithDraft();
    const before = await db.application.findUniqueOrThrow({ where: { id } });
    expect(await check(id, { organisation: "Acme", state: "APPROVED" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Unrecognized key: "state"/),
    });
    expect(await check(id, { organisation: "x".repeat(121) })).toMatchObject({
      ok: false,
      fieldErrors: { organisation: [expect.stringMatching(/under 120/)] },
    });
    expect(await check(id, { organisation: "Acme" })).toMatchObject({ ok: true, duplicate: { href: null } });
    expect(await db.application.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("answers another person's application, or an unknown one, as not found; the signed-out as signed out", async () => {
    const owner = await signedInWithDraft();
    const intruder = await signedInWithDraft();
    expect(intruder.id).not.toBe(owner.id);
    const notFound = { ok: false, formError: "That does not exist, or is not yours." };
    expect(await check(owner.id, { orgDomains: "acme.example" })).toEqual(notFound);
    expect(await check("cl0000000000000000000000", { orgDomains: "acme.example" })).toEqual(notFound);
    expect(await check("../etc", { orgDomains: "acme.example" })).toMatchObject({ ok: false });
    session.cookie = undefined;
    expect(await check(owner.id, { orgDomains: "acme.example" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/session has ended/),
    });
  });

  it("is limited like draft saves, so that nobody lists the members by trying", async () => {
    const { id } = await signedInWithDraft();
    const answers = [];
    for (let i = 0; i <= DUPLICATE_CHECKS.limit; i++)
      answers.push(await check(id, { orgDomains: `guess${i}.example` }));
    expect(answers.slice(0, DUPLICATE_CHECKS.limit).every((answer) => answer.ok)).toBe(true);
    expect(answers.at(-1)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/too many checks/),
      retryAfterSeconds: expect.any(Number),
    });
    // Refused before anything is compared: a member's domain gets the same answer.
    expect(await check(id, { orgDomains: "acme.example" })).toMatchObject({
      ok: false,
      retryAfterSeconds: expect.any(Number),
    });
  });
});
