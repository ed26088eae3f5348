import cvssLibrary from "ae-cvss-calculator";

// Severity as a CVSS vector (3.1 or 4.0), scored by a maintained library
// (ae-cvss-calculator). The library itself is lenient (a metric given twice,
// an incomplete base): the vector is checked here first, so that what the
// team saves is a complete vector that every reader scores the same.

export type CvssScore = { version: "3.1" | "4.0"; score: number; rating: CvssRating };
export type CvssRating = "None" | "Low" | "Medium" | "High" | "Critical";

const PREFIX = /^CVSS:(3\.1|4\.0)\/(.+)$/;
const METRIC = /^[A-Z]{1,4}:[A-Z]$/;

/** The qualitative rating of a score (the same bands in CVSS 3.1 and 4.0). */
export function cvssRating(score: number): CvssRating {
  if (score === 0) return "None";
  if (score < 4) return "Low";
  if (score < 7) return "Medium";
  if (score < 9) return "High";
  return "Critical";
}

/** The vector's version, base score and rating, or why it is not a vector that can be scored. */
export function scoreCvss(vector: string): CvssScore | { error: string } {
  const match = PREFIX.exec(vector.trim());
  if (!match) return { error: "A CVSS vector starts with CVSS:3.1/ or CVSS:4.0/" };
  const version = match[1] as "3.1" | "4.0";
  const metrics = (match[2] as string).split("/");
  const seen = new Set<string>();
  for (const metric of metrics) {
    if (!METRIC.test(metric)) return { error: `"${metric.slice(0, 20)}" is not a metric (like AV:N)` };
    const key = metric.split(":")[0] as string;
    if (seen.has(key)) return { error: `The metric ${key} is given twice` };
    seen.add(key);
  }
  try {
    const parsed = version === "3.1" ? new cvssLibrary.Cvss3P1(vector.trim()) : new cvssLibrary.Cvss4P0(vector.trim());
    if (!parsed.isBaseFullyDefined()) return { error: `Give every base metric of CVSS ${version}` };
    const score = parsed.calculateScores().base;
    if (typeof score !== "number" || Number.isNaN(score)) return { error: "This vector cannot be scored" };
    return { version, score, rating: cvssRating(score) };
  } catch {
    return { error: `Not a valid CVSS ${version} vector` };
  }
}
