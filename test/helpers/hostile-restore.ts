// The setting for restoring crafted backups: a real backup of the demo data
// to craft from, one empty database that every refused restore must leave
// empty, and the marks (a file, a role) a crafted file would leave if
// restore ran anything it holds.
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, expect } from "vitest";
import { writeBackup } from "@/lib/backup";
import type { SignatureCheck } from "@/lib/backup-reader";
import { restoreBackup } from "@/lib/restore";
import { seedDemoData } from "@/prisma/seed";
import { RESTORE_CHECKS } from "@/scripts/cli-backup";
import { probeMarks } from "@/test/helpers/crafted-backup";
import {
  createEmptyDatabase,
  createMigratedDatabase,
  MIGRATIONS_DIR,
  type TestDatabase,
} from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { schemaObjects } from "@/test/helpers/portal-cli";

const UNSIGNED: SignatureCheck = { key: undefined, allowUnsigned: true };

/** Registers the test file's hooks; the base backup and the target exist once its beforeAll has run. */
export function hostileRestoreFixture() {
  const marks = probeMarks();
  const cleanups: (() => Promise<void>)[] = [];
  let dir = "";
  let base: string[] = [];
  let target: TestDatabase | undefined;
  let cases = 0;

  const emptyDatabase = async (): Promise<TestDatabase> => {
    const database = await createEmptyDatabase();
    cleanups.push(database.drop);
    return database;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "portal-hostile-"));
    const source = await createMigratedDatabase();
    cleanups.push(source.drop);
    expect(await seedDemoData(source.db, config)).toBe(true);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeBackup({ connectionString: source.url, migrationsDirectory: MIGRATIONS_DIR, out, key: undefined });
    base = Buffer.concat(chunks).toString("utf8").split("\n").slice(0, -2);
    target = await emptyDatabase();
  }, 180_000);
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await rm(dir, { recursive: true, force: true });
    await marks.cleanUp();
  });

  /** Restores `text` as `npm run portal -- restore` does (unsigned allowed unless `signature` says otherwise). */
  const restore = async (text: string | Buffer, options: { signature?: SignatureCheck; into?: TestDatabase } = {}) => {
    const file = path.join(dir, `case-${cases++}.backup`);
    await writeFile(file, text);
    return restoreBackup({
      connectionString: (options.into ?? (target as TestDatabase)).url,
      open: () => createReadStream(file),
      migrationsDirectory: MIGRATIONS_DIR,
      signature: options.signature ?? UNSIGNED,
      checks: RESTORE_CHECKS,
    });
  };

  return {
    marks,
    emptyDatabase,
    restore,
    /** A backup of the demo data as the portal writes it (unsigned), its lines without the end line. */
    base: () => base,
    target: () => target as TestDatabase,
    /** Refused with `message`, nothing run, and the database as empty as before. */
    expectRefused: async (text: string | Buffer, message: string | RegExp, signature?: SignatureCheck) => {
      await expect(restore(text, { signature })).rejects.toThrow(message);
      expect(await schemaObjects((target as TestDatabase).url)).toEqual([]);
      expect(existsSync(marks.marker)).toBe(false);
      expect(await marks.roleExists((target as TestDatabase).url)).toBe(false);
    },
  };
}
