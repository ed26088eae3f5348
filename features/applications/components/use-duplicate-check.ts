"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { checkDraftForDuplicatesAction } from "@/features/applications/actions";
import type { DuplicateAdvice } from "@/features/applications/duplicates";

/** The fields that say who applies: leaving one of them checks for a duplicate. */
export const IDENTITY_FIELDS = ["organisation", "orgDomains", "listAddresses"] as const;

type Values = Record<string, string>;

/**
 * What submission would say about a duplicate, asked early: when the form
 * opens with these fields filled, and whenever the applicant leaves one of
 * them changed. Only the newest answer is shown; a failed check (a rate
 * limit, the network) shows nothing, since submission checks again anyway.
 */
export function useDuplicateCheck(applicationId: string, initialValues: Values) {
  const [duplicate, setDuplicate] = useState<DuplicateAdvice | null>(null);
  const initial = useRef(initialValues);
  const asked = useRef<string | null>(null);
  const sequence = useRef(0);

  /** Checks the identity fields of `values`, unless they are the ones asked about last. */
  const check = useCallback(
    async (values: Values) => {
      const fields = IDENTITY_FIELDS.map((name) => [name, values[name] ?? ""] as const);
      const key = JSON.stringify(fields);
      if (key === asked.current) return;
      asked.current = key;
      const current = ++sequence.current;
      if (fields.every(([, value]) => value.trim() === "")) {
        setDuplicate(null);
        return;
      }
      const form = new FormData();
      form.set("applicationId", applicationId);
      for (const [name, value] of fields) form.set(name, value);
      let found: DuplicateAdvice | null = null;
      try {
        const result = await checkDraftForDuplicatesAction(form);
        if (result.ok) found = result.duplicate;
        else asked.current = null; // not an answer: ask again on the next chance
      } catch {
        asked.current = null;
      }
      if (current === sequence.current) setDuplicate(found);
    },
    [applicationId],
  );

  // A draft reopened with a duplicate in it says so at once.
  useEffect(() => {
    void check(initial.current);
  }, [check]);

  return { duplicate, check };
}
