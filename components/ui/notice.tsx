import type { ReactNode } from "react";

const tones = {
  info: "border-sky-300 bg-sky-50 text-sky-950",
  success: "border-emerald-300 bg-emerald-50 text-emerald-950",
  error: "border-red-300 bg-red-50 text-red-950",
} as const;

type Props = {
  tone?: keyof typeof tones;
  /** False inside a live region of the page's own, which announces it (a region must be there before its message). */
  announce?: boolean;
  children: ReactNode;
};

/** A message box; errors are announced to screen readers as alerts. */
export function Notice({ tone = "info", announce = true, children }: Props) {
  const role = announce ? (tone === "error" ? "alert" : "status") : undefined;
  return (
    <div role={role} className={`rounded-md border px-4 py-3 ${tones[tone]}`}>
      {children}
    </div>
  );
}
