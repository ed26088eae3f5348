// Cross-site GETs of every route (issue 19): any page on the internet can
// send a signed-in browser to any address of the portal, and the session
// cookie (SameSite=Lax) goes along on a top-level navigation. Every page and
// route handler of the production build is asked so, by everyone with a
// session, as a cross-site navigation and as a HEAD: no table may change.
// The same GETs from the portal's own pages show which routes do write
// (an owner's downloads are recorded): that list is pinned here, so a new
// GET with a side effect fails until it is looked at, and none of them may
// move the start of "what changed" on /members/export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffBase } from "@/features/exports/diff";
import type { Database } from "@/lib/prisma";
import { builtRoutes } from "@/test/helpers/build-manifests";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createMatrixFixture, credentialsOf, type MatrixFixture, type Role } from "@/test/helpers/matrix-fixture";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { ROUTE_PATHS } from "@/test/helpers/route-paths";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { changedTables, checksumQuery, tableChecksums } from "@/test/helpers/table-checksums";

/** What a browser sends when a link on another site is followed. */
const CROSS_SITE = {
  "sec-fetch-site": "cross-site",
  "sec-fetch-mode": "navigate",
  "sec-fetch-dest": "document",
  "sec-fetch-user": "?1",
  referer: "https://evil.example/",
};
/** The same link followed on one of the portal's own pages. */
const SAME_ORIGIN = { "sec-fetch-site": "same-origin", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

/** Besides each route's own path: the other downloads a link can name. */
const MORE_PATHS = [
  "/api/exports/members?format=google-groups",
  "/api/exports/members?format=mailman&since=last",
  "/api/audit/export?action=export.created",
];

/**
 * The GETs that write when an owner asks from the portal's own pages, and
 * why that is right: each download is recorded (an export row and its audit
 * event, or the audit event of a download of changes or of the log) and
 * counted against the owner's rate limit. Nothing else writes on a GET.
 */
const WRITING_GETS = [
  "/api/audit/export",
  "/api/audit/export?action=export.created",
  "/api/exports/members?format=google-groups",
  "/api/exports/members?format=json",
  "/api/exports/members?format=mailman&since=last",
];

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;
let portal: RunningPortal;
let fx: MatrixFixture;
let query: string;
let paths: string[];
/** GETs whose only write is the asker's rate-limit bucket: a patch file's download (issue 22) is counted, not recorded. */
let countedGets: string[];
const figures = { asked: 0, refused: 0, writes: 0 };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  fx = await createMatrixFixture(db);
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
  query = await checksumQuery(db, []);
  const ids = {
    ...fx.records,
    application: fx.records.applicationA,
    draft: fx.records.applicationB,
    member: fx.records.contactMember,
  };
  const r = fx.records;
  // Advisories: the draft, the public one and its file, a refused link; the embargoed one and its link are the routes' own.
  const advisoryPaths = [
    `/advisories/${r.advisoryDraft}`,
    `/advisories/${r.advisoryPublic}`,
    `/advisories/public/${r.advisoryPublic}`,
    `/advisories/public/${r.advisoryPublic}/osv.json`,
    `/advisories/read/${r.advisoryLinkToken}?refused=1`,
  ];
  paths = [...builtRoutes().flatMap((route) => ROUTE_PATHS[route]?.(ids) ?? []), ...MORE_PATHS, ...advisoryPaths];
  countedGets = [`/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}`];
}, 300_000);

afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  console.log(
    `cross-site GETs and HEADs: ${figures.asked} requests, ${figures.refused} refused, ` +
      `${figures.writes} wrote (the same-origin downloads of the pinned list only, when passing)`,
  );
});

/** Asks once; the tables that changed (but a counted GET's rate-limit bucket), and the answer's status. */
async function ask(path: string, method: "GET" | "HEAD", headers: Record<string, string>) {
  const before = await tableChecksums(db, query);
  const response = await fetch(`${portal.baseUrl}${path}`, { method, headers, redirect: "manual" });
  await response.arrayBuffer();
  const changed = changedTables(before, await tableChecksums(db, query)).filter(
    (table) => !(countedGets.includes(path) && table === "RateLimitBucket"),
  );
  figures.asked++;
  if (response.status === 403) figures.refused++;
  if (changed.length > 0) figures.writes++;
  return { status: response.status, changed };
}

const sessionRoles = () => Object.keys(fx.sessions) as Role[];

describe("a GET from another site", () => {
  it("has a path for every page and route handler of the build", () => {
    expect(builtRoutes().filter((route) => !(route in ROUTE_PATHS))).toEqual([]);
  });

  it("writes only the downloads' records, an owner's from the portal's own pages, never moving the diff's start", {
    timeout: 600_000,
  }, async () => {
    const bases = async () => Promise.all((["GOOGLE_GROUPS", "MAILMAN", "JSON"] as const).map((f) => diffBase(db, f)));
    const start = await bases();
    const writing: string[] = [];
    const problems: string[] = [];
    for (const role of sessionRoles()) {
      for (const path of paths) {
        const { status, changed } = await ask(path, "GET", { ...credentialsOf(fx, role), ...SAME_ORIGIN });
        if (status >= 500) problems.push(`${role} GET ${path}: ${status}`);
        if (changed.length === 0) continue;
        if (role === "owner") writing.push(path);
        else problems.push(`${role} GET ${path} changed ${changed.join(", ")}`);
        const others = changed.filter(
          (table) => !["Export", "ExportMember", "AuditEvent", "RateLimitBucket"].includes(table),
        );
        if (others.length > 0) problems.push(`${role} GET ${path} changed ${others.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
    expect(writing.sort()).toEqual(WRITING_GETS);
    expect(await bases()).toEqual(start);
  });

  it("changes nothing as a cross-site navigation, for anyone signed in, and a download is refused", {
    timeout: 600_000,
  }, async () => {
    const problems: string[] = [];
    for (const role of sessionRoles()) {
      for (const path of paths) {
        const { status, changed } = await ask(path, "GET", { ...credentialsOf(fx, role), ...CROSS_SITE });
        if (changed.length > 0) problems.push(`${role} GET ${path} changed ${changed.join(", ")}`);
        if (status >= 500) problems.push(`${role} GET ${path}: ${status}`);
        if (role === "owner" && WRITING_GETS.includes(path) && status !== 403) {
          problems.push(`owner GET ${path} from another site: ${status}, not 403`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("changes nothing as a HEAD, from this site or another", { timeout: 600_000 }, async () => {
    const problems: string[] = [];
    for (const role of sessionRoles()) {
      for (const path of paths) {
        for (const site of [SAME_ORIGIN, CROSS_SITE]) {
          const { status, changed } = await ask(path, "HEAD", { ...credentialsOf(fx, role), ...site });
          if (changed.length > 0) problems.push(`${role} HEAD ${path} changed ${changed.join(", ")}`);
          if (status >= 500) problems.push(`${role} HEAD ${path}: ${status}`);
        }
      }
    }
    // A token is sent by a script, never by a link: HEAD with one records nothing either.
    for (const path of WRITING_GETS) {
      const { status, changed } = await ask(path, "HEAD", credentialsOf(fx, "tokenWithScope"));
      if (changed.length > 0) problems.push(`token HEAD ${path} changed ${changed.join(", ")}`);
      expect(status, path).not.toBe(200);
    }
    expect(problems).toEqual([]);
  });
});
