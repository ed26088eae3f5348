// Crafted backups in the current format (issue 19, item 3): names the
// schema lacks, values their columns cannot take as written, and files that
// are cut, lie about their counts or are not text. Each is refused, naming
// the line (and the table and column), with nothing run and the database
// left empty.
import { describe, it } from "vitest";
import { finish, rowsOf, withChangedRow, withHeader, withRow } from "@/test/helpers/crafted-backup";
import { hostileRestoreFixture } from "@/test/helpers/hostile-restore";

const fixture = hostileRestoreFixture();

describe("a crafted backup", () => {
  it("naming a table or column the schema lacks, or lacking one it has, is refused", async () => {
    const evil = withHeader(fixture.base(), (header) =>
      header.tables.push({ name: "Evil", columns: ["sql"], rows: 0 }),
    );
    evil.push(JSON.stringify({ table: "Evil" }));
    await fixture.expectRefused(finish(evil), 'the backup has a table "Evil", which the schema its migrations build');
    const renamed = withHeader(fixture.base(), (header) => {
      const team = header.tables.find((table) => table.name === "TeamMember");
      if (team) team.columns = team.columns.map((column) => (column === "role" ? "rank" : column));
    });
    await fixture.expectRefused(
      finish(renamed),
      'the backup has a column "rank" in TeamMember, which the schema does not have',
    );
    const marked = fixture.base().indexOf(JSON.stringify({ table: "RateLimitBucket" }));
    const count = rowsOf(fixture.base(), "RateLimitBucket").length;
    const dropped = withHeader(fixture.base(), (header) => {
      header.tables = header.tables.filter((table) => table.name !== "RateLimitBucket");
    }).filter((_, index) => index < marked || index > marked + count);
    await fixture.expectRefused(
      finish(dropped),
      "the backup lacks the table RateLimitBucket, which its migrations create",
    );
  });

  it.each<[string, string, (row: Record<string, string | null>) => void, string | RegExp]>([
    [
      "a value its type cannot parse",
      "TeamMember",
      (row) => {
        row.role = "ROOT";
      },
      /line \d+, TeamMember\.role: invalid input value for enum "TeamRole": "ROOT"/,
    ],
    [
      "a date the database would read as something else",
      "TeamMember",
      (row) => {
        row.createdAt = "yesterday";
      },
      /line \d+, TeamMember\.createdAt: "yesterday" is not in the form a backup writes \(as timestamp without time zone it reads back as "\d{4}-/,
    ],
    [
      "an impossible date",
      "TeamMember",
      (row) => {
        row.createdAt = "2026-13-45 00:00:00";
      },
      /TeamMember\.createdAt: date\/time field value out of range/,
    ],
    [
      "a number that is not one",
      "AuditEvent",
      (row) => {
        row.id = "1e3";
      },
      /line \d+, AuditEvent\.id: invalid input syntax for type bigint: "1e3"/,
    ],
    [
      "a list written another way",
      "Member",
      (row) => {
        row.orgDomains = `{"${row.orgDomains?.slice(1, -1)}"}`;
      },
      /Member\.orgDomains: "\{\\"/,
    ],
    [
      "an address the database refuses",
      "User",
      (row) => {
        row.email = "Outsider@Evil.example";
      },
      /line \d+, User: new row for relation "User" violates check constraint "User_email_normalised"/,
    ],
    [
      "a value longer than its column",
      "_prisma_migrations",
      (row) => {
        row.checksum = "a".repeat(65);
      },
      /_prisma_migrations: value too long for type character varying\(64\)/,
    ],
    [
      "a terminal escape in a value",
      "TeamMember",
      (row) => {
        row.role = "\u001b[2J\u202eOWNER";
      },
      "\\u001b[2J\\u202eOWNER",
    ],
  ])("with %s is refused, naming the line and the column", async (_, table, change, message) => {
    await fixture.expectRefused(finish(withChangedRow(fixture.base(), table, change)), message);
  });

  it("with two rows that are one, is refused by the table's key", async () => {
    const lines = withRow(fixture.base(), "TeamMember", (last) => last);
    await fixture.expectRefused(
      finish(lines),
      /TeamMember: duplicate key value violates unique constraint "TeamMember_pkey"/,
    );
  });

  it("that is cut short, lies about its counts, or holds a huge line, bad UTF-8 or a NUL, is refused before the database is touched", async () => {
    const whole = finish(fixture.base());
    await fixture.expectRefused(whole.slice(0, Math.floor(whole.length * 0.8)), "it is incomplete");
    const counted = (change: number) =>
      withHeader(fixture.base(), (header) => {
        const team = header.tables.find((table) => table.name === "TeamMember");
        if (team) team.rows += change;
      });
    await fixture.expectRefused(
      finish(counted(-1)),
      /line \d+: TeamMember holds more rows than the \d+ the header counts/,
    );
    await fixture.expectRefused(
      finish(counted(+1)),
      /line \d+: TeamMember holds \d+ row\(s\), but the header counts \d+/,
    );
    const huge = [...fixture.base()];
    huge[rowsOf(fixture.base(), "TeamMember")[0]?.index as number] = `["${"a".repeat(33 << 20)}"]`;
    await fixture.expectRefused(finish(huge), /line \d+ is longer than 32 MB, more than any backup writes/);
    const at = whole.indexOf('"OWNER"') + 1;
    const spliced = (bytes: number[]) =>
      Buffer.concat([Buffer.from(whole.slice(0, at)), Buffer.from(bytes), Buffer.from(whole.slice(at))]);
    await fixture.expectRefused(spliced([0xff, 0xfe]), /line \d+ is not valid UTF-8/);
    await fixture.expectRefused(spliced([0x00]), /line \d+ holds a NUL byte, which no backup writes/);
  }, 120_000);
});
