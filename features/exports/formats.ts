import { stringify as csvStringify } from "csv-stringify/sync";
import { Document, stringify as yamlStringify } from "yaml";
import type { ExportFormat, MemberStatus } from "@/generated/prisma/enums";

// The four files the member list leaves the portal as. Each format writes a
// head, one chunk per member (its addresses together) and a tail, so that a
// file of any size is written as the rows are read, a page at a time.

export const FORMAT_SLUGS = {
  "google-groups": "GOOGLE_GROUPS",
  mailman: "MAILMAN",
  "groups-yaml": "GROUPS_YAML",
  json: "JSON",
} as const satisfies Record<string, ExportFormat>;

export type FormatSlug = keyof typeof FORMAT_SLUGS;

export const SLUG_OF: Record<ExportFormat, FormatSlug> = {
  GOOGLE_GROUPS: "google-groups",
  MAILMAN: "mailman",
  GROUPS_YAML: "groups-yaml",
  JSON: "json",
};

export const FORMAT_LABELS: Record<ExportFormat, string> = {
  GOOGLE_GROUPS: "Google Groups (CSV)",
  MAILMAN: "Mailman 3",
  GROUPS_YAML: "Kubernetes groups.yaml",
  JSON: "JSON",
};

/** What every file names: the list and the project. */
export type ListFacts = { project: string; listName: string; listAddress: string };

/** One member with the addresses it has in the export, in output order. */
export type ExportedMember = {
  memberId: string | null;
  distributionName: string;
  organisation: string;
  website: string;
  status: MemberStatus | null;
  contactEmail: string | null;
  approvedAt: Date | null;
  lastAttestedAt: Date | null;
  addresses: { address: string; addedAt: Date | null }[];
};

type FormatWriter = {
  contentType: string;
  extension: string;
  head: (list: ListFacts, addressCount: number) => string;
  member: (member: ExportedMember, index: number, list: ListFacts) => string;
  tail: (addressCount: number) => string;
};

const GOOGLE_GROUPS_HEADER = ["Group Email [Required]", "Member Email", "Member Type", "Member Role"];

export function csvRows(rows: string[][]): string {
  // csv-stringify's escape_formulas covers = + - @ tab CR (and their
  // full-width forms); a NUL is neutralised the same way here. It does not
  // quote a lone CR by itself, so any cell with a line break is quoted.
  const guarded = rows.map((row) => row.map((cell) => (cell.startsWith("\0") ? `'${cell}` : cell)));
  return csvStringify(guarded, { escape_formulas: true, record_delimiter: "\n", quoted_match: /[\r\n]/ });
}

/** A single-line, printable version of a name for comments and display names. */
export function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * An RFC 5322 mailbox `"Display Name" <address>`: the name as a quoted
 * string (backslash before `"` and `\`), which Python's
 * email.utils.parseaddr, used by `mailman addmembers` and `syncmembers`,
 * reads back whatever commas, parentheses or angle brackets it holds.
 */
export function mailbox(displayName: string, address: string): string {
  const name = oneLine(displayName);
  if (!name) return `<${address}>`;
  return `"${name.replace(/[\\"]/g, (character) => `\\${character}`)}" <${address}>`;
}

function groupName(listAddress: string): string {
  return listAddress.slice(0, listAddress.lastIndexOf("@"));
}

/** The fixed settings of the group: the list is reconciled from this file, invite-only, members hidden. */
export const GROUP_SETTINGS: Record<string, string> = {
  AllowExternalMembers: "true",
  AllowWebPosting: "false",
  ReconcileMembers: "true",
  WhoCanDiscoverGroup: "ALL_MEMBERS_CAN_DISCOVER",
  WhoCanJoin: "INVITED_CAN_JOIN",
  WhoCanPostMessage: "ALL_MEMBERS_CAN_POST",
  WhoCanViewGroup: "ALL_MEMBERS_CAN_VIEW",
  WhoCanViewMembership: "ALL_MANAGERS_CAN_VIEW",
};

export function groupDescription(list: ListFacts): string {
  const text = oneLine(
    `${list.listName}: embargoed security announcements of ${list.project} for approved distributors. ` +
      "Members are managed by the Distributors Portal; changes made here by hand are undone.",
  );
  return [...text].slice(0, 300).join("");
}

// No block scalars: a lone scalar such as "---a@acme.example" would otherwise
// come out as a `|-` block, which breaks when spliced into the members list.
const YAML_OPTIONS = { aliasDuplicateObjects: false, blockQuote: false, lineWidth: 0 } as const;

function yamlScalar(value: string): string {
  return yamlStringify(value, YAML_OPTIONS).trimEnd();
}

function isoDate(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export const FORMATS: Record<ExportFormat, FormatWriter> = {
  GOOGLE_GROUPS: {
    contentType: "text/csv; charset=utf-8",
    extension: "csv",
    head: () => csvRows([GOOGLE_GROUPS_HEADER]),
    member: (member, _index, list) =>
      csvRows(member.addresses.map(({ address }) => [list.listAddress, address, "USER", "MEMBER"])),
    tail: () => "",
  },
  MAILMAN: {
    contentType: "text/plain; charset=utf-8",
    extension: "txt",
    head: (list) => `# ${oneLine(list.listName)} <${list.listAddress}>: one subscriber per line\n`,
    member: (member) =>
      `# ${oneLine(`${member.distributionName} (${member.organisation})`)}\n` +
      member.addresses.map(({ address }) => `${mailbox(member.distributionName, address)}\n`).join(""),
    tail: () => "",
  },
  GROUPS_YAML: {
    contentType: "application/yaml; charset=utf-8",
    extension: "yaml",
    head: (list, addressCount) => {
      const document = new Document(
        {
          groups: [
            {
              "email-id": list.listAddress,
              name: groupName(list.listAddress),
              description: groupDescription(list),
              settings: GROUP_SETTINGS,
            },
          ],
        },
        YAML_OPTIONS,
      );
      const head = document.toString(YAML_OPTIONS);
      return addressCount === 0 ? `${head}    members: []\n` : `${head}    members:\n`;
    },
    member: (member) =>
      `      # ${oneLine(member.distributionName)}\n` +
      member.addresses.map(({ address }) => `      - ${yamlScalar(address)}\n`).join(""),
    tail: () => "",
  },
  JSON: {
    contentType: "application/json; charset=utf-8",
    extension: "json",
    head: (list) =>
      `{"list":${JSON.stringify({ project: list.project, name: list.listName, address: list.listAddress })},"members":[`,
    member: (member, index) =>
      (index === 0 ? "\n" : ",\n") +
      JSON.stringify({
        distribution: member.distributionName,
        organisation: member.organisation,
        website: member.website,
        status: member.status,
        contact: member.contactEmail,
        approvedAt: isoDate(member.approvedAt),
        lastAttestedAt: isoDate(member.lastAttestedAt),
        addresses: member.addresses.map(({ address, addedAt }) => ({ address, addedAt: isoDate(addedAt) })),
      }),
    tail: () => "\n]}\n",
  },
};
