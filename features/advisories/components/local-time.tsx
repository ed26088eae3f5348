"use client";

import { useEffect, useState } from "react";

/** The reader's local time of an instant, shown beside its UTC text (known only in the browser). */
export function LocalTime({ value }: { value: string }) {
  const [local, setLocal] = useState<string>();
  useEffect(() => setLocal(new Date(value).toLocaleString()), [value]);
  return local ? <span className="text-slate-600"> (your local time: {local})</span> : null;
}
