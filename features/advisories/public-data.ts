import "server-only";
import type { OsvSource } from "@/features/advisories/osv";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";
import type { Database } from "@/lib/prisma";

// What anyone may read of an advisory once the embargo is over: its public
// text only. Never the reproduction, patch files, reports, recipients,
// rules of use or leak reports; never a draft's or an embargoed advisory's
// anything (an id that is not public reads exactly as an unknown one).

/** The public columns, and only those. */
const PUBLIC_COLUMNS = {
  id: true,
  title: true,
  cveIds: true,
  ghsaIds: true,
  cvssVector: true,
  affectedVersions: true,
  fixedVersions: true,
  description: true,
  mitigations: true,
  patchLinks: true,
  releaseNotice: true,
  publishedAt: true,
  updatedAt: true,
} as const;

export type PublicAdvisory = OsvSource;

/** The public advisories, newest first (no text beyond what the list shows). */
export function listPublicAdvisories(db: Database) {
  return db.advisory.findMany({
    where: { state: "PUBLIC" },
    orderBy: [{ publishedAt: "desc" }, { id: "asc" }],
    select: { id: true, title: true, cveIds: true, cvssVector: true, publishedAt: true },
  });
}

/** One public advisory's public text, or null (unknown, a draft and an embargoed one alike). */
export async function readPublicAdvisory(db: Database, id: string): Promise<PublicAdvisory | null> {
  if (!RecordIdSchema.safeParse(id).success) return null;
  return db.advisory.findFirst({ where: { id, state: "PUBLIC" }, select: PUBLIC_COLUMNS });
}

/** The same reads on the portal's database, for the pages (which do not import it). */
export const publicAdvisoriesPage = {
  list: () => listPublicAdvisories(getDb()),
  read: (id: string) => readPublicAdvisory(getDb(), id),
};
