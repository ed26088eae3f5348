// Sign-in through GitHub, played by a loopback server that answers as
// GitHub's OAuth web flow and REST API do (test/helpers/github-loopback.ts):
// the portal's next-auth route with its real options, adapter and database.
// Only the primary address GitHub says is verified links an account to a
// person; the GitHub login is recorded on the person and shown to reviewers.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { GitHubLogin } from "@/features/auth/components/github-login";
import { PROVIDER_SIGN_IN_NOTICES } from "@/features/auth/provider-notices";
import { getMemberDetail } from "@/features/members/data";
import { Checks } from "@/features/reviews/components/review-checks";
import { getReviewDetail } from "@/features/reviews/data";
import type { Database } from "@/lib/prisma";
import { AuthBrowser, type PortalRoutes, sessionCookieOf, useRequestHeaders } from "@/test/helpers/auth-browser";
import type { TestDatabase } from "@/test/helpers/database";
import { type GitHubEmail, type LoopbackGitHub, startGitHub } from "@/test/helpers/github-loopback";
import {
  applicationReadyForReview,
  createReviewDatabase,
  createReviewer,
  dropReviewDatabase,
} from "@/test/helpers/review-fixtures";

vi.mock("next/headers", async () => (await import("@/test/helpers/auth-browser")).fakeNextHeaders);

const PORTAL = "http://127.0.0.1:3998";
let database: TestDatabase & { db: Database };
let db: Database;
let github: LoopbackGitHub;
let portal: PortalRoutes;

beforeAll(async () => {
  database = await createReviewDatabase();
  db = database.db;
  github = await startGitHub();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    NEXTAUTH_URL: PORTAL,
    NEXTAUTH_SECRET: "integration-secret-that-is-long-enough-0123",
    GITHUB_ID: github.clientId,
    GITHUB_SECRET: github.clientSecret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
  });
  useRequestHeaders();
  const route = await import("@/app/api/auth/[...nextauth]/route");
  portal = { baseUrl: PORTAL, GET: route.GET as never, POST: route.POST as never };
});

afterAll(async () => {
  await github?.stop();
  if (database) await dropReviewDatabase(database);
});

const email = (address: string, primary: boolean, verified: boolean): GitHubEmail => ({
  email: address,
  primary,
  verified,
  visibility: primary ? "public" : null,
});

let nextId = 1000;
function account(login: string, emails: GitHubEmail[]) {
  github.accounts.set(login, { id: nextId++, login, name: null, emails });
}

async function signInAs(login: string) {
  const browser = new AuthBrowser(portal);
  github.loginAs(login);
  const end = await browser.signIn("github", "/signin/passkey?callbackUrl=%2Fapply");
  const token = sessionCookieOf(browser);
  const session = token
    ? await db.session.findUnique({
        where: { sessionToken: hashSessionToken(token) },
        select: { user: { select: { email: true, githubLogin: true } } },
      })
    : null;
  return { browser, url: end.url, user: session?.user ?? null };
}

const counts = async () => ({ accounts: await db.account.count(), sessions: await db.session.count() });

describe("GitHub sign-in", () => {
  it("signs in with the primary verified address and records the login", async () => {
    account("octo-new", [email("octo@new-vendor.example", true, true), email("old@else.example", false, true)]);
    const result = await signInAs("octo-new");
    expect(result.url).toBe(`${PORTAL}/signin/passkey?callbackUrl=%2Fapply`);
    expect(result.user).toEqual({ email: "octo@new-vendor.example", githubLogin: "octo-new" });
    // The authorization asked for carried a state and a PKCE challenge.
    const asked = result.browser.steps
      .map((step) => new URL(step.url))
      .find((url) => url.pathname.endsWith("/authorize"));
    expect(asked?.searchParams.get("state")).toMatch(/.{20,}/);
    expect(asked?.searchParams.get("code_challenge_method")).toBe("S256");
    const linked = await db.account.findFirstOrThrow({
      where: { provider: "github" },
      select: { providerAccountId: true, access_token: true },
    });
    expect(linked).toEqual({ providerAccountId: String(github.accounts.get("octo-new")?.id), access_token: null });
  });

  it("refuses an account whose primary address is unverified, or whose only verified address is not primary", async () => {
    const before = await counts();
    account("octo-unverified", [email("victim@acme.example", true, false)]);
    account("octo-secondary", [email("mine@evil.example", true, false), email("security@acme.example", false, true)]);
    account("octo-none", []);
    for (const login of ["octo-unverified", "octo-secondary", "octo-none"]) {
      const result = await signInAs(login);
      expect(result.url).toBe(`${PORTAL}/signin?error=ProviderUnverified`);
      expect(result.user).toBeNull();
      expect(sessionCookieOf(result.browser)).toBeUndefined();
    }
    expect(await counts()).toEqual(before);
    expect(PROVIDER_SIGN_IN_NOTICES.ProviderUnverified?.message).toMatch(/primary address must be verified/);
    const contact = await db.user.findUnique({ where: { email: "security@acme.example" } });
    expect(contact?.githubLogin ?? null).toBeNull();
  });

  it("refuses a linked account once its primary verified address changed", async () => {
    account("octo-mover", [email("first@mover.example", true, true)]);
    expect((await signInAs("octo-mover")).user?.email).toBe("first@mover.example");
    const mover = github.accounts.get("octo-mover");
    if (!mover) throw new Error("no account");
    mover.emails = [email("first@mover.example", false, true), email("second@mover.example", true, true)];
    const before = await counts();
    const result = await signInAs("octo-mover");
    expect(result.url).toBe(`${PORTAL}/signin?error=ProviderAddressChanged`);
    expect(result.user).toBeNull();
    expect(await counts()).toEqual(before);
    expect(await db.user.count({ where: { email: "second@mover.example" } })).toBe(0);
  });

  it("shows reviewers the applicant's and the voucher's GitHub logins, and a member contact's", async () => {
    const { id } = await applicationReadyForReview(db, { applicantEmail: "lead@gh-vendor.example" });
    const reviewer = await createReviewer(db, "reviewer@team.example");
    const before = await getReviewDetail(id, reviewer);
    expect(before?.applicant.githubLogin).toBeNull();
    expect(renderToStaticMarkup(createElement(Checks, { detail: before as never }))).not.toContain("GitHub");

    // The applicant and the vouching member's contact sign in with GitHub: linked by their verified addresses.
    account("gh-lead", [email("Lead@GH-Vendor.example", true, true)]);
    account("acme-security", [email("security@acme.example", true, true)]);
    expect((await signInAs("gh-lead")).user).toEqual({ email: "lead@gh-vendor.example", githubLogin: "gh-lead" });
    expect((await signInAs("acme-security")).user?.githubLogin).toBe("acme-security");

    const detail = await getReviewDetail(id, reviewer);
    if (!detail) throw new Error("no detail");
    expect(detail.applicant.githubLogin).toBe("gh-lead");
    const applicantLine = renderToStaticMarkup(
      createElement(GitHubLogin, { login: detail.applicant.githubLogin, applicant: true }),
    );
    expect(applicantLine.replace(/<[^>]+>/g, "")).toBe("Signed in with GitHub as gh-lead");
    const checks = renderToStaticMarkup(createElement(Checks, { detail }));
    expect(checks.replace(/<[^>]+>/g, "")).toContain("asked security@acme.example (GitHub: acme-security)");

    const member = await db.member.findFirstOrThrow({ where: { contactEmail: "security@acme.example" } });
    expect((await getMemberDetail(member.id))?.contactGithubLogin).toBe("acme-security");
  });
});
