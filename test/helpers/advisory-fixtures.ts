import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

const DAY = 24 * 60 * 60 * 1000;
let count = 0;

/** A draft advisory written straight to the database (the draft's own form and mutations are another part's). */
export async function draftAdvisory(
  db: Database,
  author: { id: string },
  overrides: Partial<Prisma.AdvisoryUncheckedCreateInput> = {},
) {
  count++;
  return db.advisory.create({
    data: {
      title: `Sidecar bypass ${count}`,
      cveIds: [`CVE-2026-${String(40000 + count)}`, "CVE-2026-49999"],
      ghsaIds: [],
      affectedVersions: ["1.1.x", "1.2.x"],
      fixedVersions: ["1.2.4"],
      description: `CANARY-DESCRIPTION-${count}: a crafted header skips the policy check.`,
      mitigations: "Turn the feature off.",
      patchLinks: ["https://github.com/kmesh-net/kmesh/pull/1"],
      mayDo: ["build patched binaries"],
      mayNotDo: ["publish patched binaries"],
      disclosureAt: new Date(Date.now() + 10 * DAY),
      createdById: author.id,
      ...overrides,
    },
  });
}

/** The token of the newest advisory link mailed to `to` (of one advisory: its recipient row's latest mail). */
export async function advisoryToken(db: Database, to: string, advisoryId?: string): Promise<string> {
  const recipient = advisoryId
    ? await db.advisoryRecipient.findUnique({ where: { advisoryId_address: { advisoryId, address: to } } })
    : null;
  const mail = await db.outboxMail.findFirst({
    where: { to, text: { contains: "/advisories/read/" }, ...(recipient?.mailId ? { id: recipient.mailId } : {}) },
    orderBy: { createdAt: "desc" },
    select: { text: true },
  });
  const token = mail?.text.match(/\/advisories\/read\/([A-Za-z0-9_-]{43})/)?.[1];
  if (!token) throw new Error(`no advisory link mailed to ${to}`);
  return token;
}

export { DAY };
