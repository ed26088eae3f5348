// Bypass probes (issue 12): three canaries the wrong caller must never see (an
// internal comment and a vote reason, for the team only and not a recused
// reviewer; a member's contact address, for the team and that member's own
// contact) are seeded, and every page and route handler of the production
// build is asked by each caller who may not see them, with every trick known
// to take a request past Next's middleware or past a path check: the
// x-middleware-subrequest header (CVE-2025-29927) in each spelling, the RSC
// and prefetch requests, .rsc suffixes, /_next/data, encoded and upper-case
// paths, double slashes, dot segments, forged host and client headers, a
// server-action header on GET, and a few of them together. No answer's body
// or headers may hold a canary. The allowed callers must see them on the
// ordinary path, or the probes would prove nothing.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TeamViewer } from "@/features/auth/data";
import type { Database } from "@/lib/prisma";
import { builtActions, builtRoutes } from "@/test/helpers/build-manifests";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context, createUser } from "@/test/helpers/fixtures";
import { createMatrixFixture, createSession, type MatrixFixture, type Role } from "@/test/helpers/matrix-fixture";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { ROUTE_PATHS, type RouteIds } from "@/test/helpers/route-paths";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { addCommentForm, castVoteForm } from "@/test/helpers/validated";

const SESSION_COOKIE = "next-auth.session-token";
const CONCURRENCY = 4;

// ------------------------------------------------------------------ canaries

const hex = () => randomBytes(8).toString("hex");
/** What each canary is searched for by: its random part, which no escaping changes. */
const CANARIES = {
  comment: `CANARY-${hex()}`,
  voteReason: `CANARY-${hex()}`,
  contact: `canary-${hex()}`,
  /** A sentence of an embargoed advisory's description (issue 22): the team and its current recipients only. */
  advisory: `CANARY-${hex()}`,
  /** A line of that advisory's patch file. */
  patch: `CANARY-${hex()}`,
  /** The name of the reviewer's passkey (issue 23): the reviewer's alone, on /account. */
  passkey: `CANARY-${hex()}`,
};
type Canary = keyof typeof CANARIES;
const CANARY_NAMES = Object.keys(CANARIES) as Canary[];

/** Callers besides the matrix's: the contact of the member whose address is a canary. */
type Caller = Role | "canaryContact";

/** Who may see none of the canaries. The member contact is another member's. */
const OUTSIDERS: Caller[] = [
  "anonymous",
  "applicantA",
  "applicantB",
  "removedTeamMember",
  "removedTeamMemberSignedIn",
  "memberContact",
  "removedMemberRecipient",
  "tokenWithoutScope",
  // A team member's e-mail-link-only sessions while passkeys are required: plain users'.
  "reviewerEmailOnly",
  "ownerEmailOnly",
];
const EMBARGOED: Canary[] = ["advisory", "patch"];
/**
 * A recused reviewer is on the team (it may read the member list), but not in
 * applicant A's deliberation; the canary contact may see its own address.
 */
const PROBED: { caller: Caller; canaries: Canary[] }[] = [
  // The reviewer's own e-mail-only session is the reviewer's account: its passkeys are its own.
  ...OUTSIDERS.map((caller) => ({
    caller,
    canaries: caller === "reviewerEmailOnly" ? CANARY_NAMES.filter((name) => name !== "passkey") : CANARY_NAMES,
  })),
  { caller: "recusedReviewer", canaries: ["comment", "voteReason", "passkey"] },
  { caller: "canaryContact", canaries: ["comment", "voteReason", "passkey", ...EMBARGOED] },
  // The voucher's address is Acme's listed address: the embargoed advisory's current recipient, outside the team.
  { caller: "voucher", canaries: ["comment", "voteReason", "contact", "passkey"] },
  // An API token reads the member list, nothing of an advisory.
  { caller: "tokenWithScope", canaries: ["comment", "voteReason", "passkey", ...EMBARGOED] },
  // An owner sees everything of the team's work, and nothing of another team member's passkeys.
  { caller: "owner", canaries: ["passkey"] },
];

const patchPath = (ids: Ids) => `/advisories/${ids.advisoryEmbargoed}/patches/${ids.advisoryPatch}`;

/** Who must see each canary on the ordinary path, and where. */
const MUST_SEE: { caller: Caller; path: (ids: Ids) => string; canaries: Canary[] }[] = [
  { caller: "reviewer", path: (ids) => `/review/${ids.applicationA}`, canaries: ["comment", "voteReason"] },
  { caller: "owner", path: (ids) => `/review/${ids.applicationA}`, canaries: ["comment", "voteReason"] },
  { caller: "owner", path: () => "/members", canaries: ["contact"] },
  { caller: "owner", path: (ids) => `/members/${ids.canaryMember}`, canaries: ["contact"] },
  { caller: "owner", path: () => "/api/exports/members?format=json", canaries: ["contact"] },
  { caller: "reviewer", path: (ids) => `/members/${ids.canaryMember}`, canaries: ["contact"] },
  { caller: "recusedReviewer", path: (ids) => `/members/${ids.canaryMember}`, canaries: ["contact"] },
  { caller: "owner", path: (ids) => `/advisories/${ids.advisoryEmbargoed}`, canaries: ["advisory"] },
  { caller: "reviewer", path: (ids) => `/advisories/${ids.advisoryEmbargoed}`, canaries: ["advisory"] },
  { caller: "recusedReviewer", path: (ids) => `/advisories/${ids.advisoryEmbargoed}`, canaries: ["advisory"] },
  { caller: "voucher", path: (ids) => `/advisories/${ids.advisoryEmbargoed}`, canaries: ["advisory"] },
  { caller: "owner", path: patchPath, canaries: ["patch"] },
  { caller: "reviewer", path: patchPath, canaries: ["patch"] },
  { caller: "voucher", path: patchPath, canaries: ["patch"] },
  { caller: "reviewer", path: () => "/account", canaries: ["passkey"] },
];

// ---------------------------------------------------------------- the routes

type Ids = RouteIds & { canaryMember: string };

// -------------------------------------------------------------- the variants

type Request = { path: string; headers: Record<string, string>; gzip?: boolean };
type Variant = { name: string; make: (path: string, ctx: VariantContext) => Request };
type VariantContext = { buildId: string; actionId: string; cookieValue?: string };

const split = (target: string) => {
  const at = target.indexOf("?");
  return at < 0 ? { pathname: target, query: "" } : { pathname: target.slice(0, at), query: target.slice(at) };
};
/** The path's own segments changed, its query kept. */
const onPath = (target: string, change: (pathname: string) => string) => {
  const { pathname, query } = split(target);
  return change(pathname) + query;
};
const withQuery = (target: string, pair: string) => `${target}${target.includes("?") ? "&" : "?"}${pair}`;
const plain = (path: string): Request => ({ path, headers: {} });
const header = (name: string, value: string) => (path: string) => ({ path, headers: { [name]: value } });

/** The router state tree a browser on the home page sends when it navigates: the server renders the whole target. */
const STATE_TREE = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }, null, null]));
/** One Next 16 does not parse (an older shape, `true` where a number goes): Next answers 500. */
const MALFORMED_STATE_TREE = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }, null, null, true]));

const SUBREQUEST = [
  "middleware",
  "proxy",
  "src/middleware",
  "src/proxy",
  "pages/_middleware",
  "middleware:middleware:middleware:middleware:middleware",
  "proxy:proxy:proxy:proxy:proxy",
  Array(5).fill("src/middleware").join(":"),
];

/** The first segment's first letter percent-encoded: /audit → /%61udit. */
const encodeFirstLetter = (pathname: string) =>
  pathname.replace(/^\/([a-z])/, (_, letter: string) => `/%${letter.charCodeAt(0).toString(16)}`);

const VARIANTS: Variant[] = [
  { name: "plain", make: plain },
  { name: "gzip", make: (path) => ({ path, headers: { "accept-encoding": "gzip" }, gzip: true }) },
  ...SUBREQUEST.map((value) => ({
    name: `x-middleware-subrequest: ${value}`,
    make: header("x-middleware-subrequest", value),
  })),
  { name: "RSC: 1", make: header("rsc", "1") },
  { name: "?_rsc", make: (path) => plain(withQuery(path, "_rsc=abc")) },
  { name: "Next-Router-Prefetch", make: (path) => ({ path, headers: { rsc: "1", "next-router-prefetch": "1" } }) },
  {
    name: "Next-Router-State-Tree",
    make: (path) => ({ path, headers: { rsc: "1", "next-router-state-tree": STATE_TREE } }),
  },
  {
    name: "Next-Router-State-Tree, malformed",
    make: (path) => ({ path, headers: { rsc: "1", "next-router-state-tree": MALFORMED_STATE_TREE } }),
  },
  { name: ".rsc", make: (path) => plain(onPath(path, (p) => `${p === "/" ? "/index" : p}.rsc`)) },
  { name: ".prefetch.rsc", make: (path) => plain(onPath(path, (p) => `${p === "/" ? "/index" : p}.prefetch.rsc`)) },
  {
    name: "/_next/data",
    make: (path, { buildId }) => plain(onPath(path, (p) => `/_next/data/${buildId}${p === "/" ? "/index" : p}.json`)),
  },
  { name: "percent-encoded letter", make: (path) => plain(onPath(path, encodeFirstLetter)) },
  {
    name: "percent-encoded slash",
    make: (path) => plain(onPath(path, (p) => p.replace(/^(\/[^/]+)\//, "$1%2F"))),
  },
  { name: "upper case", make: (path) => plain(onPath(path, (p) => p.replace(/^\/[^/]+/, (s) => s.toUpperCase()))) },
  {
    name: "capitalised",
    make: (path) => plain(onPath(path, (p) => p.replace(/^\/([a-z])/, (_, c: string) => `/${c.toUpperCase()}`))),
  },
  { name: "double slashes", make: (path) => plain(onPath(path, (p) => `/${p.replaceAll("/", "//")}`)) },
  { name: "trailing slash", make: (path) => plain(onPath(path, (p) => (p === "/" ? p : `${p}/`))) },
  { name: "dot segments", make: (path) => plain(onPath(path, (p) => `/.${p.replaceAll("/", "/./")}`)) },
  { name: "Host", make: header("host", "localhost") },
  { name: "X-Forwarded-Host", make: header("x-forwarded-host", "evil.example") },
  { name: "X-Forwarded-Proto", make: header("x-forwarded-proto", "https") },
  { name: "Forwarded", make: header("forwarded", "for=127.0.0.1;host=localhost;proto=https") },
  { name: "X-Forwarded-For", make: header("x-forwarded-for", "127.0.0.1") },
  { name: "X-Real-IP", make: header("x-real-ip", "127.0.0.1") },
  { name: "Next-Action on GET", make: (path, { actionId }) => ({ path, headers: { "next-action": actionId } }) },
  // Together.
  {
    name: "subrequest + RSC + state tree",
    make: (path) => ({
      path: withQuery(path, "_rsc=abc"),
      headers: {
        "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
        rsc: "1",
        "next-router-state-tree": STATE_TREE,
      },
    }),
  },
  {
    name: "upper case + subrequest",
    make: (path) => ({
      path: onPath(path, (p) => p.toUpperCase()),
      headers: { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
    }),
  },
  {
    name: "percent-encoded + .rsc + forged host",
    make: (path) => ({
      path: onPath(path, (p) => `${encodeFirstLetter(p)}.rsc`),
      headers: { "x-forwarded-host": "localhost", "x-forwarded-for": "127.0.0.1" },
    }),
  },
  {
    name: "double slash + trailing slash + prefetch",
    make: (path) => ({
      path: onPath(path, (p) => `/${p}${p === "/" ? "" : "/"}`),
      headers: { rsc: "1", "next-router-prefetch": "1" },
    }),
  },
  {
    name: "https forged, __Secure- cookie",
    make: (path, { cookieValue }) => ({
      path,
      headers: {
        "x-forwarded-proto": "https",
        forwarded: "proto=https",
        ...(cookieValue
          ? { cookie: `__Secure-${SESSION_COOKIE}=${cookieValue}; ${SESSION_COOKIE}=${cookieValue}` }
          : {}),
      },
    }),
  },
  {
    name: "Next-Action on GET + subrequest + gzip",
    make: (path, { actionId }) => ({
      path,
      headers: { "next-action": actionId, "x-middleware-subrequest": "src/middleware", "accept-encoding": "gzip" },
      gzip: true,
    }),
  },
];

/**
 * Variants that an allowed caller gets the page's data through (after the
 * portal's own redirects): the probes with them read real RSC payloads,
 * gzip bodies and pages rendered for forged headers, not only refusals.
 */
const REACHING_VARIANTS = [
  "plain",
  "gzip",
  ...SUBREQUEST.map((value) => `x-middleware-subrequest: ${value}`),
  "RSC: 1",
  "?_rsc",
  "Next-Router-State-Tree",
  "/_next/data",
  "double slashes",
  "trailing slash",
  "dot segments",
  "Host",
  "X-Forwarded-Host",
  "X-Forwarded-Proto",
  "Forwarded",
  "X-Forwarded-For",
  "X-Real-IP",
  "Next-Action on GET",
  "subrequest + RSC + state tree",
  "https forged, __Secure- cookie",
  "Next-Action on GET + subrequest + gzip",
];

// ------------------------------------------------------------------- set-up

let database: TestDatabase & { db: Database };
let mail: MailCatcher;
let portal: RunningPortal;
let fx: MatrixFixture;
let ids: Ids;
let canaryContactSession: string;
let started = 0;
let variantContext: VariantContext;
const figures = {
  requests: 0,
  redirects: 0,
  routes: 0,
  variants: VARIANTS.length,
  callers: PROBED.length,
  seen: 0,
  leaks: 0,
};

beforeAll(async () => {
  started = performance.now();
  database = await createMigratedDatabase();
  const db = database.db;
  fx = await createMatrixFixture(db, {
    description: `Embargoed: ${CANARIES.advisory} lets a forged header past the policy.`,
    patchLine: `+  // ${CANARIES.patch}: reject the forged header.`,
  });
  const owner = await db.user.findUniqueOrThrow({ where: { email: "owner@kmesh.example" } });
  const reviewer = await db.user.findUniqueOrThrow({ where: { email: "reviewer@kmesh.example" } });
  const asTeam = (user: { id: string; email: string }, role: "OWNER" | "REVIEWER"): TeamViewer => ({ ...user, role });
  // The team's deliberation on applicant A's application, with the features' own mutations.
  expect(
    await addCommentForm(
      db,
      asTeam(owner, "OWNER"),
      { applicationId: fx.records.applicationA, visibility: "INTERNAL", body: `Doubts: ${CANARIES.comment}.` },
      context,
    ),
  ).toEqual({ ok: true });
  expect(
    await castVoteForm(
      db,
      asTeam(reviewer, "REVIEWER"),
      { applicationId: fx.records.applicationA, choice: "ABSTAIN", reason: `Waiting: ${CANARIES.voteReason}.` },
      context,
    ),
  ).toMatchObject({ ok: true, approved: false });
  await db.passkey.update({ where: { id: fx.records.reviewerPasskey }, data: { name: `Key ${CANARIES.passkey}` } });
  // A member whose contact address is the canary, and that contact signed in.
  const domain = `${hex()}.example`;
  const contactEmail = `${CANARIES.contact}@${domain}`;
  const member = await db.member.create({
    data: {
      distributionName: "Canary Mesh",
      organisation: "Canary Corp",
      website: `https://${domain}`,
      orgDomains: [domain],
      contactEmail,
      activeOrganisationKey: "canary corp",
      addresses: { create: [{ address: `kmesh@${domain}`, addedReason: "Approved application" }] },
    },
  });
  canaryContactSession = await createSession(db, await createUser(db, contactEmail));
  ids = {
    ...fx.records,
    canaryMember: member.id,
    application: fx.records.applicationA,
    draft: fx.records.applicationA,
    member: member.id,
  };
  const actionId = builtActions().find((action) => action.key.endsWith("#addCommentAction"))?.id;
  if (!actionId) throw new Error("no addCommentAction in the build");
  variantContext = {
    buildId: readFileSync(path.resolve(import.meta.dirname, "../../.next/BUILD_ID"), "utf8").trim(),
    actionId,
  };
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
}, 300_000);

afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  console.log(
    `bypass probes: ${figures.requests} requests (${figures.routes} routes × ${figures.variants} variants × ` +
      `${figures.callers} callers; ${figures.redirects} redirects followed), canaries seen by allowed callers on ${figures.seen} pages, ` +
      `${figures.leaks} leaks, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

// ------------------------------------------------------------------ asking

type Answer = { status: number; headers: string; body: string; location?: string };

/** node:http sends the path byte for byte (fetch would resolve dot segments and tidy it). */
function ask(request: Request): Promise<Answer> {
  const url = new URL(portal.baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: request.path,
        method: "GET",
        headers: { "accept-encoding": "identity", ...request.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          let body = Buffer.concat(chunks);
          const encoding = response.headers["content-encoding"];
          if (encoding === "gzip") body = gunzipSync(body);
          else if (encoding && encoding !== "identity") reject(new Error(`unexpected content-encoding ${encoding}`));
          resolve({
            status: response.statusCode ?? 0,
            headers: response.rawHeaders.join("\n"),
            body: body.toString("utf8"),
            location: response.headers.location,
          });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** The portal's own redirects, as a browser's router follows them, e.g. an RSC request sent to its `?_rsc=` hash. */
const MAX_HOPS = 3;

/** The request and the same-site redirects it leads to, each asked with the same headers: every answer on the way. */
async function askFollowing(request: Request): Promise<Answer[]> {
  const answers = [await ask(request)];
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = (answers.at(-1) as Answer).location;
    if (!location || (answers.at(-1) as Answer).status < 300 || (answers.at(-1) as Answer).status >= 400) break;
    const next = location.startsWith(portal.baseUrl) ? location.slice(portal.baseUrl.length) : location;
    if (!next.startsWith("/") || next.startsWith("//")) break;
    figures.redirects++;
    answers.push(await ask({ ...request, path: next }));
  }
  return answers;
}

function credentials(caller: Caller): { headers: Record<string, string>; cookieValue?: string } {
  const session = caller === "canaryContact" ? canaryContactSession : fx.sessions[caller];
  if (session) return { headers: { cookie: `${SESSION_COOKIE}=${session}` }, cookieValue: session };
  const token = caller === "canaryContact" ? undefined : fx.bearer[caller];
  return { headers: token ? { authorization: `Bearer ${token}` } : {} };
}

/** The canaries an answer holds, in its body or any header. */
const canariesIn = (answer: Answer, among: Canary[]) =>
  among.filter((canary) => {
    const mark = CANARIES[canary].slice(7);
    return answer.body.includes(mark) || answer.headers.includes(mark);
  });

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

// -------------------------------------------------------------------- tests

describe("bypass probes", () => {
  it("has a path for every page and route handler of the build", () => {
    expect(builtRoutes().filter((route) => !(route in ROUTE_PATHS))).toEqual([]);
  });

  it("shows each canary to the callers who may see it, on the ordinary path", async () => {
    for (const { caller, path, canaries } of MUST_SEE) {
      const answer = await ask({ path: path(ids), headers: credentials(caller).headers });
      expect({ caller, path: path(ids), status: answer.status, seen: canariesIn(answer, canaries) }).toEqual({
        caller,
        path: path(ids),
        status: 200,
        seen: canaries,
      });
      figures.seen++;
    }
  });

  it("lets the variants reach the data: the owner sees the deliberation through the RSC and forged-header ones too", async () => {
    const own = credentials("owner");
    const seenVia: string[] = [];
    for (const variant of VARIANTS) {
      const made = variant.make(`/review/${ids.applicationA}`, { ...variantContext, cookieValue: own.cookieValue });
      const answers = await askFollowing({ ...made, headers: { ...own.headers, ...made.headers } });
      const seen = new Set(answers.flatMap((answer) => canariesIn(answer, ["comment", "voteReason"])));
      if (seen.size === 2) seenVia.push(variant.name);
    }
    expect(seenVia).toEqual(expect.arrayContaining(REACHING_VARIANTS));
    figures.seen += seenVia.length;
  });

  it("never shows a canary to a caller who may not see it, whatever the request looks like", async () => {
    const routes = builtRoutes();
    figures.routes = routes.length;
    const jobs = PROBED.flatMap(({ caller, canaries }) =>
      routes.flatMap((route) => VARIANTS.map((variant) => ({ caller, canaries, route, variant }))),
    );
    const leaks: string[] = [];
    await inParallel(jobs, CONCURRENCY, async ({ caller, canaries, route, variant }) => {
      const own = credentials(caller);
      const made = variant.make((ROUTE_PATHS[route] as (r: RouteIds) => string)(ids), {
        ...variantContext,
        cookieValue: own.cookieValue,
      });
      const answers = await askFollowing({ ...made, headers: { ...own.headers, ...made.headers } });
      figures.requests++;
      const seen = [...new Set(answers.flatMap((answer) => canariesIn(answer, canaries)))];
      const statuses = answers.map((answer) => answer.status).join(" → ");
      if (seen.length > 0) leaks.push(`${caller} ${variant.name} GET ${made.path} → ${statuses}: ${seen.join(", ")}`);
    });
    figures.leaks = leaks.length;
    expect(leaks).toEqual([]);
    expect(figures.requests).toBe(routes.length * VARIANTS.length * PROBED.length);
  }, 1_200_000);

  // Issue 22, item 12: embargoed text is never in audit data or an export, whatever was asked above.
  it("keeps the advisory's canaries out of the audit log and the member list's exports", async () => {
    const marks = EMBARGOED.map((canary) => CANARIES[canary].slice(7));
    const audit = await database.db.auditEvent.findMany({ select: { action: true, data: true } });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.filter((event) => marks.some((mark) => JSON.stringify(event).includes(mark)))).toEqual([]);
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(["advisory.sent"]));
    const owner = credentials("owner").headers;
    for (const format of ["json", "google-groups", "mailman"]) {
      const answer = await ask({ path: `/api/exports/members?format=${format}`, headers: owner });
      expect({ format, status: answer.status, leaked: marks.filter((mark) => answer.body.includes(mark)) }).toEqual({
        format,
        status: 200,
        leaked: [],
      });
    }
    // The audit log's own download, after the exports were recorded.
    const log = await ask({ path: "/api/audit/export", headers: owner });
    expect({ status: log.status, leaked: marks.filter((mark) => log.body.includes(mark)) }).toEqual({
      status: 200,
      leaked: [],
    });
  });
});
