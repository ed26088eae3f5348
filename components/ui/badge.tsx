import type { ReactNode } from "react";

const tones = {
  good: "bg-emerald-100 text-emerald-900",
  waiting: "bg-amber-100 text-amber-900",
  bad: "bg-red-100 text-red-900",
  none: "bg-slate-100 text-slate-700",
} as const;

export type BadgeTone = keyof typeof tones;

/** A small label for a status in a table cell; its text says the status, the colour only repeats it. */
export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return (
    <span className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${tones[tone]}`}>
      {children}
    </span>
  );
}
