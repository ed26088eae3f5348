import { z } from "zod";

export const CRITERION_KINDS = ["alias", "evidence", "acceptance", "vouch"] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

const text = (max: number) => z.string().trim().min(1).max(max);
// Names shown on one line in pages, mail subjects and export files.
const line = (max: number) => text(max).regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, "must be one line of text");

export const CriterionSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,47}$/, "must be lower-case letters, digits and dashes, starting with a letter"),
  title: line(200),
  guidance: text(2000),
  kind: z.enum(CRITERION_KINDS),
  /** For kind `acceptance`: which policy text the checkbox accepts. */
  policy: z.enum(["embargo", "contributingBack"]).optional(),
  /**
   * For kind `evidence`: the fewest characters a complete answer has
   * (default DEFAULT_MIN_ANSWER_LENGTH). 1 where a short answer ("We are
   * not.") can be complete. A rule of the form, not part of the version.
   */
  minAnswerLength: z.number().int().min(1).max(2000).optional(),
});

export const DEFAULT_MIN_ANSWER_LENGTH = 20;

/** The advisories' timeline rules (Kmesh's security release process as the defaults). */
export const AdvisoryRulesSchema = z.strictObject({
  /** Advance notice before the planned disclosure; less needs an emergency reason. */
  minNoticeDays: z.number().int().min(0).max(90).default(7),
  /** The release notice goes out at least this long before the release. */
  releaseNoticeHours: z.number().int().min(1).max(720).default(24),
  /** Members who have not acknowledged within this are reminded (once). */
  ackWithinBusinessDays: z.number().int().min(1).max(30).default(2),
  /** Sending needs a second team member's approval of the draft first. */
  requireSecondApproval: z.boolean().default(false),
  /** Members who acknowledged none of their last this many advisories are flagged. */
  flagAfterUnacknowledged: z.number().int().min(1).max(20).default(2),
  /** The largest uploaded .patch or .diff file, in bytes. */
  maxPatchBytes: z.number().int().min(1024).max(5_000_000).default(1_000_000),
});
export type AdvisoryRules = z.infer<typeof AdvisoryRulesSchema>;

export const PortalConfigSchema = z
  .strictObject({
    project: line(100),
    listName: line(200),
    listAddress: z.email(),
    securityTeamAddress: z.email(),
    sourceDocuments: z.array(z.strictObject({ title: line(200), url: z.url({ protocol: /^https$/ }) })).max(20),
    quorum: z.number().int().min(1).max(20).default(2),
    staleAfterBusinessDays: z.number().int().min(1).max(60).default(2),
    advisories: AdvisoryRulesSchema.default(AdvisoryRulesSchema.parse({})),
    policy: z.strictObject({
      embargo: text(500),
      contributingBack: text(500),
    }),
    criteria: z.array(CriterionSchema).min(1).max(30),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.criteria.forEach((criterion, index) => {
      if (seen.has(criterion.key)) {
        ctx.addIssue({ code: "custom", path: ["criteria", index, "key"], message: `duplicate key "${criterion.key}"` });
      }
      seen.add(criterion.key);
      if (criterion.kind === "acceptance" && !criterion.policy) {
        ctx.addIssue({
          code: "custom",
          path: ["criteria", index, "policy"],
          message: 'an acceptance criterion names the policy it accepts ("embargo" or "contributingBack")',
        });
      }
      if (criterion.minAnswerLength !== undefined && criterion.kind !== "evidence") {
        ctx.addIssue({
          code: "custom",
          path: ["criteria", index, "minAnswerLength"],
          message: 'only an "evidence" criterion has an answer with a minimum length',
        });
      }
    });
    for (const kind of ["alias", "vouch"] as const) {
      const count = config.criteria.filter((criterion) => criterion.kind === kind).length;
      if (count !== 1) {
        ctx.addIssue({
          code: "custom",
          path: ["criteria"],
          message: `needs exactly one "${kind}" criterion, found ${count}`,
        });
      }
    }
  });

export type Criterion = z.infer<typeof CriterionSchema>;
export type PortalConfigFile = z.infer<typeof PortalConfigSchema>;

/** The validated configuration with its policy texts read and its version computed. */
export type PortalConfig = Omit<PortalConfigFile, "policy"> & {
  policy: { embargo: string; contributingBack: string };
  /** SHA-256 over the criteria and policy texts: what an acceptance accepts. */
  version: string;
};
