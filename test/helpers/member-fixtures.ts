import { expect } from "vitest";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { confirmAddress, decideAddressChange, requestAddressChange } from "@/features/member-requests/mutations";
import { addressChangeSchema, RequestDecisionSchema } from "@/features/member-requests/schema";
import { listedAddresses } from "@/features/members/listed-addresses";
import type { Database } from "@/lib/prisma";
import { context } from "@/test/helpers/fixtures";
import { validated } from "@/test/helpers/validated";

/** The one mutation context of the tests, under the name the member tests know it by. */
export const memberContext = context;

let count = 0;

/** A member on the list with two subscribed addresses, and its contact signed up. */
export async function memberWithContact(db: Database, name = "Member") {
  count++;
  const domain = `member${count}-${Date.now()}.example`;
  const contactEmail = `security@${domain}`;
  const member = await db.member.create({
    data: {
      distributionName: `${name} ${count}`,
      organisation: `${name} ${count} Corp`,
      website: `https://${domain}`,
      orgDomains: [domain],
      contactEmail,
      activeOrganisationKey: `${name} ${count} corp`.toLowerCase(),
      addresses: {
        create: [
          { address: `kmesh@${domain}`, addedReason: "Approved application" },
          { address: `psirt@${domain}`, addedReason: "Approved application" },
        ],
      },
    },
  });
  const user = await db.user.create({ data: { email: contactEmail }, select: { id: true, email: true } });
  const contact: Viewer = { ...user, role: null };
  return { member, contact, domain };
}

/** The token of the newest mailed link to `path` for `to`, read from the outbox (nothing is sent in these tests). */
export async function mailedToken(db: Database, to: string, path: string): Promise<string> {
  const mail = await db.outboxMail.findFirst({
    where: { to, text: { contains: path } },
    orderBy: { createdAt: "desc" },
    select: { text: true },
  });
  const token = mail?.text.match(new RegExp(`${path}([A-Za-z0-9_-]{43})`))?.[1];
  if (!token) throw new Error(`no ${path} link mailed to ${to}`);
  return token;
}

/** The whole address-change round trip: the contact asks, the added address confirms, a reviewer approves. */
export async function approvedAddressChange(
  db: Database,
  setup: Awaited<ReturnType<typeof memberWithContact>>,
  reviewer: TeamViewer,
  change: { add: string; remove: string; reason?: string },
) {
  const current = await listedAddresses(db, setup.member.id);
  const asked = await validated(
    addressChangeSchema(current),
    {
      memberId: setup.member.id,
      add: change.add,
      [`remove:${change.remove}`]: "on",
      reason: change.reason ?? "Moving to a team alias.",
    },
    (input) => requestAddressChange(db, setup.contact, input, memberContext),
  );
  expect(asked).toMatchObject({ ok: true });
  expect(await confirmAddress(db, await mailedToken(db, change.add, "/confirm-address/"), memberContext)).toEqual({
    ok: true,
  });
  const request = await db.addressChangeRequest.findFirstOrThrow({
    where: { memberId: setup.member.id },
    orderBy: { createdAt: "desc" },
  });
  const decided = await validated(
    RequestDecisionSchema,
    { requestId: request.id, decision: "approve", note: "" },
    (input) => decideAddressChange(db, reviewer, input, memberContext),
  );
  expect(decided).toMatchObject({ ok: true });
}
