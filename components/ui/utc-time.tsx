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
  const text = utcText(iso, precision);
  // A date and a time each stay whole; a narrow cell may break between them.
  const space = precision === "minute" || precision === "second" ? text.indexOf(" ") : -1;
  return (
    <time dateTime={iso} title={local}>
      {space < 0 ? (
        <span className="whitespace-nowrap">{text}</span>
      ) : (
        <>
          <span className="whitespace-nowrap">{text.slice(0, space)}</span>{" "}
          <span className="whitespace-nowrap">{text.slice(space + 1)}</span>
        </>
      )}
    </time>
  );
}
