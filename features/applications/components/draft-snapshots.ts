// The draft's values as the autosave compares them (snapshots), and this
// tab's backup of what it has not saved yet: plain functions, apart from the
// hook (use-draft-autosave.ts) that times the saves.

export type Values = Record<string, string>;

/** The values as one comparable string: an empty field and a missing one are the same. */
export function snapshotOf(values: Record<string, string | undefined>): string {
  return JSON.stringify(
    Object.entries(values)
      .filter(([, value]) => value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** `base`: the last save the tab knows of; `sent`: saves sent since, whose answer it has not seen. */
export type Backup = { base: string; sent: string[]; values: Values };

// What is typed but not saved yet is also kept in this tab's sessionStorage:
// a reload's request for the page can reach the server before the leaving
// page's beacon, and the tab's storage cannot be outrun. It goes with the tab.
const backupKey = (applicationId: string) => `application-draft:${applicationId}`;

export function readBackup(applicationId: string): Backup | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(backupKey(applicationId)) ?? "null") as Backup | null;
    return parsed && typeof parsed.base === "string" && Array.isArray(parsed.sent) && typeof parsed.values === "object"
      ? parsed
      : null;
  } catch {
    return null;
  }
}

export function writeBackup(applicationId: string, backup: Backup | null) {
  try {
    if (backup) sessionStorage.setItem(backupKey(applicationId), JSON.stringify(backup));
    else sessionStorage.removeItem(backupKey(applicationId));
  } catch {
    // Storage full or refused: the beacon and the background save remain.
  }
}

/** The fields of `values` that differ from the snapshot `base` (snapshotOf leaves out empty fields). */
export function changedSince(base: string, values: Values): Values {
  const before = valuesOfSnapshot(base);
  if (!before) return values;
  const keys = new Set([...Object.keys(before), ...Object.keys(values)]);
  return Object.fromEntries(
    [...keys].filter((key) => (values[key] ?? "") !== (before[key] ?? "")).map((key) => [key, values[key] ?? ""]),
  );
}

/** `sent` as the server holds it after a partial save: each refused field as it was last saved. */
export function keptOf(sent: Values, refused: string[], savedSnapshot: string): Values {
  // An unreadable snapshot: the refused fields count as empty.
  const before = valuesOfSnapshot(savedSnapshot) ?? {};
  const kept = { ...sent };
  for (const field of refused) kept[field] = before[field] ?? "";
  return kept;
}

/** The values a snapshot (snapshotOf) was taken of, or null when it cannot be read. */
function valuesOfSnapshot(snapshot: string): Values | null {
  try {
    return Object.fromEntries(JSON.parse(snapshot) as [string, string][]);
  } catch {
    return null;
  }
}
