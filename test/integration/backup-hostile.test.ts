// Crafted backups in the current format (issue 19, item 3), checked against
// what the rows must agree with: the audit log (chain and roster), the
// sequences, the migrations' bookkeeping, the file restore first read, and
// the signature. Restore runs nothing a file holds; each case is refused
// with the database left empty. (Names, values and the file's shape:
// backup-hostile-values.test.ts.)
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BackupDigest } from "@/lib/backup-format";
import { restoreBackup } from "@/lib/restore";
import { RESTORE_CHECKS } from "@/scripts/cli-backup";
import { finish, rowsOf, withChangedRow, withHeader, withRow } from "@/test/helpers/crafted-backup";
import { MIGRATIONS_DIR } from "@/test/helpers/database";
import { hostileRestoreFixture } from "@/test/helpers/hostile-restore";
import { query, schemaObjects } from "@/test/helpers/portal-cli";

const fixture = hostileRestoreFixture();

describe("a crafted backup", () => {
  it("loads as it is: each case below is refused for its change alone", async () => {
    const restored = await fixture.restore(finish(fixture.base()), { into: await fixture.emptyDatabase() });
    expect(restored.checks).toEqual([
      expect.stringMatching(/^audit chain intact: \d+ event\(s\) checked$/),
      expect.stringMatching(/^team roster matches the audit log: \d+ member\(s\)$/),
    ]);
  }, 120_000);

  it("runs no statement it holds in a value: the value is stored as it is", async () => {
    const { marker, role, roleExists } = fixture.marks;
    const sql = `'); COPY (SELECT 1) TO PROGRAM 'touch ${marker}'; CREATE ROLE "${role}" SUPERUSER; -- $1 \\ E'\\x41'`;
    const lines = withChangedRow(fixture.base(), "OutboxMail", (row) => {
      row.subject = sql;
    });
    const into = await fixture.emptyDatabase();
    await fixture.restore(finish(lines), { into });
    expect(await query(into.url, `SELECT 1 FROM "OutboxMail" WHERE subject = $1`, [sql])).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
    expect(await roleExists(into.url)).toBe(false);
  }, 120_000);

  it("with an outsider made an owner, and no audit event for it, is refused", async () => {
    const lines = withRow(fixture.base(), "TeamMember", (last) => ({
      ...last,
      id: "probe",
      email: "outsider@evil.example",
      role: "OWNER",
    }));
    await fixture.expectRefused(
      finish(lines),
      'the team roster does not match the audit log: owner outsider@evil.example (TeamMember "probe") is on the team, but no audit event put them there',
    );
  });

  it("with a reviewer made an owner behind the audit log's back, is refused", async () => {
    const reviewer = rowsOf(fixture.base(), "TeamMember").find(({ row }) => row.role === "REVIEWER")?.row;
    const lines = withChangedRow(
      fixture.base(),
      "TeamMember",
      (row) => {
        row.role = "OWNER";
      },
      (row) => row.id === reviewer?.id,
    );
    await fixture.expectRefused(
      finish(lines),
      `is on the team, but the audit log has them as reviewer ${reviewer?.email}`,
    );
  });

  it("with a forged audit event, or a changed one, is refused at that event", async () => {
    const events = rowsOf(fixture.base(), "AuditEvent");
    const last = events.at(-1)?.row as Record<string, string | null>;
    const next = String(Number(last.id) + 1);
    const forged = withRow(fixture.base(), "AuditEvent", () => ({
      ...last,
      id: next,
      action: "team.added",
      prevHash: last.hash ?? null,
      hash: "f".repeat(64),
    }));
    const sequenced = withHeader(forged, (header) => {
      for (const sequence of header.sequences) sequence.value = next;
    });
    await fixture.expectRefused(finish(sequenced), `the backup's audit chain BROKEN at event ${next}`);
    const changed = withChangedRow(fixture.base(), "AuditEvent", (row) => {
      row.actorEmail = "someone-else@evil.example";
    });
    await fixture.expectRefused(finish(changed), `the backup's audit chain BROKEN at event ${events[0]?.row.id} `);
  });

  it("with a sequence behind its table's ids, or one the schema lacks, is refused", async () => {
    await fixture.expectRefused(
      finish(
        withHeader(fixture.base(), (header) => {
          for (const sequence of header.sequences) sequence.value = "1";
        }),
      ),
      /the sequence AuditEvent_id_seq would hand out 2 next, but AuditEvent.id already holds \d+/,
    );
    await fixture.expectRefused(
      finish(
        withHeader(fixture.base(), (header) => header.sequences.push({ name: "evil_seq", value: "1", called: false })),
      ),
      'the backup has a sequence "evil_seq", which the schema does not have',
    );
  });

  it("claiming a migration it did not run, is refused", async () => {
    const lines = withRow(fixture.base(), "_prisma_migrations", (last) => ({
      ...last,
      id: randomUUID(),
      migration_name: "20991231000000_future",
    }));
    await fixture.expectRefused(
      finish(lines),
      `the backup's _prisma_migrations rows do not match the migrations its header names (first difference: "20991231000000_future")`,
    );
  });

  it("that changes between restore's first reading and its loading, is refused", async () => {
    const first = finish(fixture.base());
    const changed = finish(
      withRow(fixture.base(), "TeamMember", (last) => ({ ...last, id: "late", email: "late@evil.example" })),
    );
    let reads = 0;
    const refused = restoreBackup({
      connectionString: fixture.target().url,
      // Checked whole as it is, then swapped for one that is whole too, but other.
      open: () => Readable.from([reads++ === 0 ? first : changed]),
      migrationsDirectory: MIGRATIONS_DIR,
      signature: { key: undefined, allowUnsigned: true },
      checks: RESTORE_CHECKS,
    });
    await expect(refused).rejects.toThrow("the file changed while it was restored; the database was left empty");
    expect(reads).toBe(2);
    expect(await schemaObjects(fixture.target().url)).toEqual([]);
  });

  it("that is signed, changed and given a new checksum, is refused by its signature", async () => {
    const key = "the-operator-keeps-this-key-0123456789";
    const signed = new BackupDigest(key);
    signed.update(`${fixture.base().join("\n")}\n`);
    const end = JSON.parse(signed.endLine()) as { hmacSha256: string };
    const owner = { id: "probe", email: "outsider@evil.example", role: "OWNER" };
    const changed = finish(withRow(fixture.base(), "TeamMember", (last) => ({ ...last, ...owner })));
    const resigned = changed.replace('"hmacSha256":null', `"hmacSha256":"${end.hmacSha256}"`);
    await fixture.expectRefused(resigned, "its signature does not match PORTAL_BACKUP_KEY", {
      key,
      allowUnsigned: true,
    });
    await fixture.expectRefused(resigned, "it is signed, but PORTAL_BACKUP_KEY is not set here", {
      key: undefined,
      allowUnsigned: false,
    });
  });
});
