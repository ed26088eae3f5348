// npm run portal -- backup [--out FILE | --out -] | restore FILE [--allow-unsigned]
// The file handling around lib/backup.ts and lib/restore.ts: where a backup
// goes, that only its owner can read it, that a half-written one never has
// the final name, the signing key, the checks a restore runs on the rows
// before they commit (the audit chain, the roster), and what it reports.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { chainCheckText, verifyAuditChainOver } from "@/features/audit/chain";
import { checkRosterAgainstAuditLog } from "@/features/team/roster-audit";
import { type BackupSummary, writeBackup } from "@/lib/backup";
import { BackupFormatError, printable } from "@/lib/backup-format";
import { DatabaseNotEmpty, type RestoreCheck, RestoreRefused, restoreBackup } from "@/lib/restore";

/** A database the commands reach: its URL (never printed: it may hold a password) and how to name it. */
export type Connection = { url: string; where: string; close: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "..");
const MIGRATIONS = path.join(root, "prisma/migrations");

/** Without --out, a new file under backups/ in the portal's directory, named for the time (UTC). */
export function defaultBackupFile(now = new Date()): string {
  const stamp = `${now.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
  return path.join(root, "backups", `portal-${stamp}.backup`);
}

const UNSIGNED =
  "unsigned (PORTAL_BACKUP_KEY is not set): restore will refuse it unless told --allow-unsigned; " +
  "set PORTAL_BACKUP_KEY so that a restore can tell the backup is the one you took";

export async function backupCommand(connection: Connection, out: string | undefined, key: string | undefined) {
  if (out === "-") {
    const summary = await writeBackup({
      connectionString: connection.url,
      migrationsDirectory: MIGRATIONS,
      out: process.stdout,
      key,
    });
    console.error(describe(summary, connection, "standard output"));
    if (!key) console.error(`portal: warning: the backup is ${UNSIGNED}`);
    return;
  }
  const file = path.resolve(out ?? defaultBackupFile());
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written beside the final name and renamed when complete: an interrupted
  // backup never passes for a whole one, nor replaces the last good one.
  const partial = `${file}.partial-${process.pid}`;
  const stream = createWriteStream(partial, { flags: "wx", mode: 0o600, flush: true });
  try {
    const summary = await writeBackup({
      connectionString: connection.url,
      migrationsDirectory: MIGRATIONS,
      out: stream,
      key,
    });
    stream.end();
    await finished(stream);
    await rename(partial, file);
    console.error(describe(summary, connection, out ?? path.relative(process.cwd(), file)));
    if (!key) console.error(`portal: warning: the backup is ${UNSIGNED}`);
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

/** What restore checks on the loaded rows before they commit, each line printable on a terminal. */
export const RESTORE_CHECKS: RestoreCheck[] = (
  [
    async (query) => {
      const check = await verifyAuditChainOver(query);
      return { ok: check.ok, text: check.ok ? chainCheckText(check) : `the backup's ${chainCheckText(check)}` };
    },
    checkRosterAgainstAuditLog,
  ] satisfies RestoreCheck[]
).map(
  (check): RestoreCheck =>
    async (query) => {
      const result = await check(query);
      return { ok: result.ok, text: printable(result.text, 1000) };
    },
);

export async function restoreCommand(
  connection: Connection,
  file: string,
  signature: { key: string | undefined; allowUnsigned: boolean },
) {
  const resolved = path.resolve(file);
  // Read twice (checked whole first, then loaded), so it must be a file.
  const info = await stat(resolved).catch(() => undefined);
  if (!info?.isFile()) {
    throw new Error(`${file}: ${info ? "is not a regular file (uncompress it to a file first)" : "does not exist"}`);
  }
  let restored: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    restored = await restoreBackup({
      connectionString: connection.url,
      open: () => createReadStream(resolved, { highWaterMark: 1 << 20 }),
      migrationsDirectory: MIGRATIONS,
      signature,
      checks: RESTORE_CHECKS,
    });
  } catch (error) {
    if (error instanceof DatabaseNotEmpty) throw error;
    if (error instanceof BackupFormatError || error instanceof RestoreRefused) {
      throw new Error(`${file}: ${error.message}`);
    }
    throw error;
  }
  console.log(
    `restored ${restored.rows} row(s) in ${restored.tables} table(s) into ${connection.where}, ` +
      `as of ${restored.header.takenAt} (the backup's snapshot)`,
  );
  console.log(
    restored.signature === "verified"
      ? "signature verified: signed with PORTAL_BACKUP_KEY"
      : "signature not checked (--allow-unsigned)",
  );
  for (const line of restored.checks) console.log(line);
}

function describe({ header, bytes, signed }: BackupSummary, connection: Connection, destination: string): string {
  const rows = header.tables.reduce((sum, table) => sum + table.rows, 0);
  const size = bytes < 1 << 20 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return (
    `backup of ${connection.where} as of ${header.takenAt} written to ${destination}: ` +
    `${rows} row(s) in ${header.tables.length} table(s), ${size}, ${signed ? "signed" : "unsigned"}`
  );
}
