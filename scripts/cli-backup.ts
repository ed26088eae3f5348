// npm run portal -- backup [--out FILE | --out -] | restore FILE
// The file handling around lib/backup.ts and lib/restore.ts: where a backup
// goes, that only its owner can read it, that a half-written one never has
// the final name, and what a restore reports.
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { chainCheckText, verifyAuditChain } from "@/features/audit/chain";
import { type BackupSummary, writeBackup } from "@/lib/backup";
import { BackupFormatError } from "@/lib/backup-format";
import { createDatabase } from "@/lib/prisma";
import { restoreBackup } from "@/lib/restore";

/** A database the commands reach: its URL (never printed: it may hold a password) and how to name it. */
export type Connection = { url: string; where: string; close: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "..");
const MIGRATIONS = path.join(root, "prisma/migrations");

/** Without --out, a new file under backups/ in the portal's directory, named for the time (UTC). */
export function defaultBackupFile(now = new Date()): string {
  const stamp = `${now.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
  return path.join(root, "backups", `portal-${stamp}.sql`);
}

export async function backupCommand(connection: Connection, out: string | undefined) {
  if (out === "-") {
    const summary = await writeBackup({
      connectionString: connection.url,
      migrationsDirectory: MIGRATIONS,
      out: process.stdout,
    });
    console.error(describe(summary, connection, "standard output"));
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
    });
    stream.end();
    await finished(stream);
    await rename(partial, file);
    console.error(describe(summary, connection, out ?? path.relative(process.cwd(), file)));
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

export async function restoreCommand(connection: Connection, file: string) {
  const text = await readFile(path.resolve(file), "utf8");
  let restored: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    restored = await restoreBackup({ connectionString: connection.url, text, migrationsDirectory: MIGRATIONS });
  } catch (error) {
    if (error instanceof BackupFormatError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
  console.log(
    `restored ${restored.rows} row(s) in ${restored.tables} table(s) into ${connection.where}, ` +
      `as of ${restored.header.takenAt} (the backup's snapshot)`,
  );
  const db = createDatabase(connection.url, { max: 1 });
  try {
    const check = await verifyAuditChain(db);
    if (check.ok) console.log(chainCheckText(check));
    else {
      console.error(`restored, but the backup's ${chainCheckText(check)}`);
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

function describe({ header, bytes }: BackupSummary, connection: Connection, destination: string): string {
  const rows = Object.values(header.rows).reduce((sum, n) => sum + n, 0);
  const size = bytes < 1 << 20 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return (
    `backup of ${connection.where} as of ${header.takenAt} written to ${destination}: ` +
    `${rows} row(s) in ${Object.keys(header.rows).length} table(s), ${size}`
  );
}
