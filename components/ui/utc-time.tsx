"use client";

import { useEffect, useState } from "react";
import { type UtcPrecision, utcText } from "@/lib/utc";

/**
 * A time in UTC, with the reader's own local time on hover. The local time is
 * only known in the browser, so it is added after hydration (the server's
 * time zone would be the wrong one, and would not match the browser's).
 */
export function UtcTime({ value, precision = "minute" }: { value: Date | string; precision?: UtcPrecision }) {
  const iso = typeof value === "string" ? value : value.toISOString();
  const [local, setLocal] = useState<string>();
  useEffect(() => {
    const date = new Date(iso);
    setLocal(`Your local time: ${precision === "day" ? date.toLocaleDateString() : date.toLocaleString()}`);
  }, [iso, precision]);
  return (
    <time dateTime={iso} title={local} className="whitespace-nowrap">
      {utcText(iso, precision)}
    </time>
  );
}
