"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type ApplicationFormState, saveApplicationDraftAction } from "@/features/applications/actions";
import {
  changedSince,
  keptOf,
  readBackup,
  snapshotOf,
  type Values,
  writeBackup,
} from "@/features/applications/components/draft-snapshots";

export type AutosaveStatus =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string; automatically: boolean }
  /**
   * The server refused these fields (not tried again until they change); when
   * `partlySavedAt`, it saved every other field then.
   */
  | { kind: "invalid"; fieldErrors: Record<string, string[]>; message: string; partlySavedAt?: string }
  /** A failure that may pass (the network, the server, a rate limit): tried again by itself. */
  | { kind: "retrying"; message: string; inSeconds: number }
  /** Refused for a reason typing cannot fix (signed out, no longer editable). */
  | { kind: "refused"; message: string };

const DELAY_MS = 1500;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

const notSaved = (reason: string) => `Not saved: ${reason.replace(/^(Not saved|Nothing was saved): /, "")}`;

/**
 * The form's values and their background saving: a save 1.5 s after the last
 * change (at once for a checkbox, or when `flush` is called on leaving a
 * field), transient failures retried with back-off, and what is not saved yet
 * sent with `navigator.sendBeacon` to `beaconUrl` when the page is hidden or
 * goes away, since a server action's request does not outlive the page.
 */
export function useDraftAutosave(applicationId: string, initialValues: Values, beaconUrl: string) {
  const [values, setValues] = useState(initialValues);
  const [status, setStatus] = useState<AutosaveStatus>({ kind: "idle" });
  const latest = useRef(initialValues);
  const saved = useRef(snapshotOf(initialValues));
  const rejected = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef(false);
  const again = useRef(false);
  const failures = useRef(0);
  const suspended = useRef(false);
  const sentSince = useRef<string[]>([]);

  const unsaved = useCallback(() => snapshotOf(latest.current) !== saved.current, []);
  const keepBackup = useCallback(() => {
    writeBackup(
      applicationId,
      unsaved() ? { base: saved.current, sent: sentSince.current, values: latest.current } : null,
    );
  }, [applicationId, unsaved]);

  const schedule = useCallback((delay: number, run: () => void) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(run, delay);
  }, []);

  const run = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (inFlight.current || suspended.current) {
      again.current = true;
      return;
    }
    const sent = { ...latest.current };
    const snapshot = snapshotOf(sent);
    if (snapshot === saved.current || snapshot === rejected.current) return;
    inFlight.current = true;
    sentSince.current = [...sentSince.current, snapshot];
    keepBackup();
    setStatus({ kind: "saving" });
    let result: ApplicationFormState | null;
    try {
      result = await saveApplicationDraftAction(formDataOf(applicationId, sent));
    } catch {
      result = null; // the network, or the server's own error page
    }
    inFlight.current = false;
    if (suspended.current) {
      // The applicant pressed Save or Submit meanwhile; that answer is the one to show.
      again.current = true;
      return;
    }
    if (result?.ok) {
      failures.current = 0;
      saved.current = snapshot;
      sentSince.current = [];
      keepBackup();
      setStatus({ kind: "saved", at: result.savedAt ?? new Date().toISOString(), automatically: true });
    } else if (!result || result.retryAfterSeconds) {
      failures.current++;
      const wait = result?.retryAfterSeconds
        ? result.retryAfterSeconds * 1000
        : Math.min(FIRST_RETRY_MS * 2 ** (failures.current - 1), MAX_RETRY_MS);
      const reason = result ? "too many saves in a short time" : "the portal could not be reached";
      setStatus({ kind: "retrying", message: notSaved(reason), inSeconds: Math.ceil(wait / 1000) });
      schedule(wait, () => void run());
      return;
    } else {
      rejected.current = snapshot;
      const fieldErrors = result.fieldErrors ?? {};
      const first = Object.values(fieldErrors).flat()[0];
      const { partlySavedAt } = result;
      if (partlySavedAt) {
        // Everything but the refused fields is on the server now.
        saved.current = snapshotOf(keptOf(sent, Object.keys(fieldErrors), saved.current));
        sentSince.current = [];
        failures.current = 0;
        keepBackup();
      }
      setStatus(
        first
          ? { kind: "invalid", fieldErrors, message: notSaved(first), partlySavedAt }
          : { kind: "refused", message: notSaved(result.formError ?? "the portal refused the draft") },
      );
    }
    if (again.current) {
      again.current = false;
      void run();
    }
  }, [applicationId, schedule, keepBackup]);

  /** Changes one field; saved after a pause in typing, or at once. */
  const setField = useCallback(
    (name: string, value: string, immediately = false) => {
      latest.current = { ...latest.current, [name]: value };
      setValues(latest.current);
      keepBackup();
      if (!unsaved()) {
        clearTimeout(timer.current);
        setStatus((current) => (current.kind === "saved" ? current : { kind: "idle" }));
        return;
      }
      schedule(immediately ? 0 : DELAY_MS, () => void run());
    },
    [run, schedule, unsaved, keepBackup],
  );

  /** Saves now what is not saved yet (on leaving a field). */
  const flush = useCallback(() => {
    if (unsaved()) void run();
  }, [run, unsaved]);

  /** While Save or Submit is on its way, the background save waits. */
  const suspend = useCallback(() => {
    suspended.current = true;
    clearTimeout(timer.current);
  }, []);

  /**
   * Save or Submit answered; when it saved, `savedValues` are what it sent,
   * of which the `refused` fields (with their reasons) were not saved.
   */
  const resume = useCallback(
    (savedValues?: Values, savedAt?: string, refused: Record<string, string[]> = {}) => {
      suspended.current = false;
      if (savedValues) {
        const at = savedAt ?? new Date().toISOString();
        const first = Object.values(refused).flat()[0];
        saved.current = snapshotOf(first ? keptOf(savedValues, Object.keys(refused), saved.current) : savedValues);
        sentSince.current = [];
        rejected.current = first ? snapshotOf(savedValues) : null;
        failures.current = 0;
        setStatus(
          first
            ? { kind: "invalid", fieldErrors: refused, message: notSaved(first), partlySavedAt: at }
            : { kind: "saved", at, automatically: false },
        );
        keepBackup();
      }
      if (again.current || unsaved()) {
        again.current = false;
        schedule(DELAY_MS, () => void run());
      }
    },
    [run, schedule, unsaved, keepBackup],
  );

  // Typing the leaving page had not saved comes back, unless the draft changed elsewhere since.
  useEffect(() => {
    const backup = readBackup(applicationId);
    if (!backup) return;
    // The server holds the last save this tab knew of, or one it sent as it went: the backup is newer.
    const known = backup.base === saved.current || backup.sent.includes(saved.current);
    if (!known || snapshotOf(backup.values) === saved.current) {
      writeBackup(applicationId, null);
      return;
    }
    // Only the fields typed since the backup's base: a field saved since (a
    // tick whose save landed after the backup was written) keeps its newer value.
    latest.current = { ...latest.current, ...changedSince(backup.base, backup.values) };
    setValues(latest.current);
    schedule(0, () => void run());
  }, [applicationId, run, schedule]);

  useEffect(() => {
    let beaconed: string | null = null;
    const sendNow = () => {
      const snapshot = snapshotOf(latest.current);
      // Leaving fires pagehide, then visibilitychange: one beacon is enough.
      if (snapshot === saved.current || snapshot === rejected.current || snapshot === beaconed) return;
      beaconed = snapshot;
      sentSince.current = [...sentSince.current, snapshot];
      keepBackup();
      const body = new URLSearchParams(Object.entries(latest.current));
      // Past the browser's quota (64 KB) the beacon is refused; the page may live on to save normally.
      if (!navigator.sendBeacon(beaconUrl, body)) void run();
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") sendNow();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!unsaved()) return;
      sendNow();
      event.preventDefault();
      // Older browsers show the warning only when returnValue is set.
      event.returnValue = "";
    };
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("pagehide", sendNow);
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("pagehide", sendNow);
      window.removeEventListener("beforeunload", onBeforeUnload);
      // Leaving the form inside the portal (a link) keeps the page alive: save the usual way.
      clearTimeout(timer.current);
      if (!suspended.current && unsaved() && snapshotOf(latest.current) !== rejected.current) {
        void saveApplicationDraftAction(formDataOf(applicationId, latest.current)).catch(() => {});
      }
    };
  }, [applicationId, beaconUrl, run, unsaved, keepBackup]);

  return { values, status, setField, flush, suspend, resume };
}

function formDataOf(applicationId: string, values: Values): FormData {
  const data = new FormData();
  data.set("applicationId", applicationId);
  for (const [name, value] of Object.entries(values)) data.set(name, value);
  return data;
}
