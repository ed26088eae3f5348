// Addresses stored before the list systems' rule (lib/email.ts, isListAddress)
// was applied to the forms, which some list system would refuse. They are
// kept, never dropped quietly: start-up and `db:migrate` print them, and the
// team sees them on /members and the member's page, so that someone asks the
// member to replace them. The rule itself is the database's
// "is_list_address" (migration 20261207150000_list_addresses).

import pg from "pg";
import { OPEN_STATES } from "@/features/vocabulary/application-states";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";

export type UnlistableAddress = {
  address: string;
  /** Where the address is waiting to go onto the list, or is on it. */
  source: "member" | "application" | "address-change";
  /** The member's id (member, address change) or the application's. */
  recordId: string;
  /** The distribution it is for. */
  distributionName: string;
};

// The states come from their one home; they are constants, never input.
const quoted = (states: readonly string[]) => states.map((state) => `'${state}'`).join(", ");

/** The statement that finds them: a member's listed addresses (a partial index answers), an open application's, a pending request's. */
export const UNLISTABLE_ADDRESSES_SQL = `
  SELECT s.address, 'member' AS source, m.id AS "recordId", m."distributionName"
    FROM "SubscriberAddress" s JOIN "Member" m ON m.id = s."memberId"
   WHERE s."removedAt" IS NULL AND NOT "is_list_address"(s.address) AND m.status IN (${quoted(ON_THE_LIST)})
  UNION ALL
  SELECT u.address, 'application', a.id, a."distributionName"
    FROM "Application" a CROSS JOIN LATERAL unnest(a."listAddresses") AS u(address)
   WHERE a.state IN (${quoted(OPEN_STATES)}) AND NOT "is_list_address"(u.address)
  UNION ALL
  SELECT u.address, 'address-change', m.id, m."distributionName"
    FROM "AddressChangeRequest" r JOIN "Member" m ON m.id = r."memberId"
         CROSS JOIN LATERAL unnest(r."addAddresses") AS u(address)
   WHERE r.status = 'PENDING' AND NOT "is_list_address"(u.address)
  ORDER BY 4, 1
  LIMIT 200`;

const SOURCE_LABELS: Record<UnlistableAddress["source"], string> = {
  member: "subscribed for member",
  application: "in the open application of",
  "address-change": "in a pending address change of",
};

/** What start-up and `db:migrate` print: nothing when there are none. */
export function unlistableReport(rows: UnlistableAddress[]): string[] {
  if (rows.length === 0) return [];
  return [
    `${rows.length}${rows.length === 200 ? " or more" : ""} stored address(es) are ones some list system refuses (Mailman 3 answers 400 for them); they stay as they are, flagged on /members: ask each member to replace them with an address change`,
    ...rows.map((row) => `  ${row.address}: ${SOURCE_LABELS[row.source]} ${row.distributionName} (${row.recordId})`),
  ];
}

/** Looks for them in the database at this URL and logs the report, line by line. */
export async function reportUnlistableAddresses(connectionString: string, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<UnlistableAddress>(UNLISTABLE_ADDRESSES_SQL);
    for (const line of unlistableReport(rows)) log(line);
  } finally {
    await client.end();
  }
}
