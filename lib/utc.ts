// One convention for times shown to people: UTC, written the same way on
// every page and in mail; the reader's local time is added by UtcTime.

export type UtcPrecision = "day" | "minute" | "second" | "clock";

/** "2026-12-07", "2026-12-07 12:29 UTC", "2026-12-07 12:29:38 UTC" or "12:29:38 UTC". */
export function utcText(value: Date | string, precision: UtcPrecision = "minute"): string {
  const iso = (typeof value === "string" ? new Date(value) : value).toISOString();
  switch (precision) {
    case "day":
      return iso.slice(0, 10);
    case "minute":
      return `${iso.slice(0, 16).replace("T", " ")} UTC`;
    case "second":
      return `${iso.slice(0, 19).replace("T", " ")} UTC`;
    case "clock":
      return `${iso.slice(11, 19)} UTC`;
  }
}
