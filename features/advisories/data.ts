import "server-only";
import { type AdvisoryReader, advisoryReader } from "@/features/advisories/access";
import type { AdvisorySnapshot } from "@/features/advisories/snapshot";
import type { Viewer } from "@/features/auth/data";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { AdvisoryState } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import type { Database } from "@/lib/prisma";

// Reads of advisories for pages. None of them authorises: the page or route
// asks `advisoryReader` (access.ts) first and reads only when it answers.

export type AdvisoryFilter = { state?: AdvisoryState };

const listColumns = {
  id: true,
  state: true,
  title: true,
  cveIds: true,
  disclosureAt: true,
  revision: true,
  sentAt: true,
  publishedAt: true,
  createdAt: true,
} as const;

/** Every advisory, newest first (the team's list). */
export async function listAdvisoriesForTeam(db: Database, filter: AdvisoryFilter = {}) {
  return db.advisory.findMany({
    where: filter.state ? { state: filter.state } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: listColumns,
    take: 500,
  });
}

/** The advisories sent to this address that it still reads (a current recipient's), newest first. */
export async function listAdvisoriesForRecipient(db: Database, email: string) {
  return db.advisory.findMany({
    where: {
      state: { not: "DRAFT" },
      recipients: {
        some: {
          address: email,
          member: { status: { in: [...ON_THE_LIST] }, addresses: { some: { address: email, removedAt: null } } },
        },
      },
    },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    select: listColumns,
    take: 500,
  });
}

export type AdvisoryPatchFile = {
  id: string;
  fileName: string;
  sha256: string;
  size: number;
  removedAt: Date | null;
  createdAt: Date;
};

export type AdvisoryRevisionRow = {
  number: number;
  kind: string;
  reason: string;
  createdAt: Date;
  disclosureAt: Date;
  snapshot: AdvisorySnapshot;
};

/** One advisory with its patch files (never their bytes) and its revisions, oldest first; null when there is none. */
export async function readAdvisory(db: Database, id: string) {
  const advisory = await db.advisory.findUnique({
    where: { id },
    include: {
      patches: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, fileName: true, sha256: true, size: true, removedAt: true, createdAt: true },
      },
      revisions: {
        orderBy: { number: "asc" },
        select: { number: true, kind: true, reason: true, createdAt: true, disclosureAt: true, snapshot: true },
      },
    },
  });
  if (!advisory) return null;
  const { patches, revisions, ...row } = advisory;
  return {
    advisory: row,
    patches: patches as AdvisoryPatchFile[],
    revisions: revisions.map((revision) => ({
      ...revision,
      snapshot: revision.snapshot as unknown as AdvisorySnapshot,
    })) as AdvisoryRevisionRow[],
  };
}

export type ReadAdvisory = NonNullable<Awaited<ReturnType<typeof readAdvisory>>>;

/** A patch file's bytes, when it belongs to that advisory. */
export async function readPatchFile(db: Database, advisoryId: string, patchId: string) {
  return db.advisoryPatch.findFirst({
    where: { id: patchId, advisoryId },
    select: { fileName: true, content: true, size: true, sha256: true },
  });
}

// ------------------------------------------------------------ for pages (the running portal's database)

/** The advisories a signed-in person may see listed: every one for the team, else those sent to their address. */
export async function listAdvisoriesFor(viewer: Viewer, filter: AdvisoryFilter = {}) {
  return viewer.role !== null
    ? listAdvisoriesForTeam(getDb(), filter)
    : listAdvisoriesForRecipient(getDb(), viewer.email);
}

/** The advisory for a reader who may read it (access.ts), with who they are; null for anyone else and an unknown id. */
export async function readAdvisoryFor(
  viewer: Viewer | null,
  id: string,
): Promise<(ReadAdvisory & { reader: AdvisoryReader }) | null> {
  const db = getDb();
  const reader = await advisoryReader(db, viewer, id);
  if (!reader) return null;
  const read = await readAdvisory(db, id);
  if (!read) return null;
  // A recipient never sees a draft (access.ts refuses one); the team sees everything.
  return { ...read, reader };
}
