// The demo applications, each taken to its state through the functions the
// applicant, the alias's reader, the voucher and the reviewers go through
// (the same mutations their forms call, with input parsed by the same
// schemas), so that the demo can never show a state the rules would not
// reach. Links are followed from the mail these functions put in the outbox.
import { confirmApplicationAddress, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { saveApplicationDraft, startApplication } from "@/features/applications/mutations";
import { draftSchema } from "@/features/applications/schema";
import { submitApplication } from "@/features/applications/submission";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import type { PortalConfig } from "@/features/portal-config/schema";
import { recordAssessment, requestChanges } from "@/features/reviews/mutations";
import { assessmentSchema, RejectSchema, RequestChangesSchema, VoteSchema } from "@/features/reviews/schema";
import { castVote, rejectApplication } from "@/features/reviews/votes";
import { respondToVouch } from "@/features/vouches/mutations";
import type { ApplicationState } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

type Reached = Extract<ApplicationState, "DRAFT" | "SUBMITTED" | "IN_REVIEW" | "CHANGES_REQUESTED" | "REJECTED">;

export type DemoApplication = {
  applicant: string;
  distributionName: string;
  organisation: string;
  domain: string;
  /** The state the journey ends in. */
  reach: Reached;
  /** Whether the voucher has answered yet (only a submitted application waits for them). */
  vouched?: boolean;
  /** An approving vote by this reviewer, in review. */
  approvedBy?: string;
  /** List addresses besides the alias (local parts at `domain`), each confirmed by its own link. */
  alsoSubscribe?: string[];
  /** Of those, the ones whose link is left unanswered in the outbox. */
  unconfirmed?: string[];
};

export type SeedActors = {
  users: Map<string, string>;
  owner: TeamViewer;
  reviewers: TeamViewer[];
  voucherEmail: string;
};

/** Takes one demo application from a new draft to `demo.reach`; returns its id. */
export async function seedApplication(
  db: Database,
  config: PortalConfig,
  context: PortalContext,
  actors: SeedActors,
  demo: DemoApplication,
): Promise<string> {
  const applicant: Viewer = { id: actors.users.get(demo.applicant) as string, email: demo.applicant, role: null };
  const started = check(await startApplication(db, applicant, config), "start");
  const id = started.id;
  const alias = `kmesh-security@${demo.domain}`;
  const complete = demo.reach !== "DRAFT";
  const draft = draftSchema(config.criteria).parse(
    complete
      ? demoAnswers(config, demo, alias, actors.voucherEmail)
      : { distributionName: demo.distributionName, organisation: demo.organisation, website: `https://${demo.domain}` },
  );
  check(await saveApplicationDraft(db, applicant, id, draft, config), "save the draft");
  if (!complete) return id;

  // "Save draft" mails each address (the alias, every list address) a link; someone reading each follows it.
  check(await sendAddressConfirmations(db, applicant, id, context), "send the address links");
  for (const local of ["", ...(demo.alsoSubscribe ?? [])]) {
    if (demo.unconfirmed?.includes(local)) continue;
    const address = local ? `${local}@${demo.domain}` : alias;
    check(
      await confirmApplicationAddress(db, await linkToken(db, address, "/verify-alias/"), context),
      `confirm ${address}`,
    );
  }
  check(await submitApplication(db, applicant, id, config, context), "submit");
  if (demo.vouched === false) return id;
  const vouchToken = await linkToken(db, actors.voucherEmail, "/vouch/", demo.distributionName);
  check(await respondToVouch(db, vouchToken, { decision: "confirm", comment: "" }, context), "vouch");

  const [first, second] = actors.reviewers as [TeamViewer, TeamViewer];
  if (demo.approvedBy) {
    const reviewer = actors.reviewers.find((item) => item.email === demo.approvedBy) ?? first;
    const vote = VoteSchema.parse({ applicationId: id, choice: "APPROVE", reason: "", confirmUnassessed: "on" });
    check(await castVote(db, reviewer, vote, context), "vote");
  }
  if (demo.reach === "CHANGES_REQUESTED") {
    const [criterion] = config.criteria.filter((item) => item.kind === "evidence");
    if (criterion) {
      const assessed = assessmentSchema(config.criteria).parse({
        applicationId: id,
        criterionKey: criterion.key,
        assessment: "NEEDS_INFO",
        note: "The links show upstream's advisories, not yours.",
      });
      check(await recordAssessment(db, second, assessed), "assess");
    }
    const request = RequestChangesSchema.parse({
      applicationId: id,
      message: "Please link to advisories that your own team published.",
    });
    check(await requestChanges(db, second, request, config.criteria, context), "request changes");
  }
  if (demo.reach === "REJECTED") {
    const reason =
      "A rebuild of another distribution (criterion 4); the track record links pointed to upstream advisories.";
    const rejection = RejectSchema.parse({ applicationId: id, reason });
    check(await rejectApplication(db, actors.owner, rejection, context), "reject");
  }
  return id;
}

/** The form as a complete applicant fills it in. */
function demoAnswers(config: PortalConfig, demo: DemoApplication, alias: string, voucherEmail: string) {
  const form: Record<string, string> = {
    distributionName: demo.distributionName,
    organisation: demo.organisation,
    website: `https://${demo.domain}`,
    orgDomains: demo.domain,
    listAddresses: [alias, ...(demo.alsoSubscribe ?? []).map((local) => `${local}@${demo.domain}`)].join("\n"),
    securityAlias: alias,
    voucherEmail,
  };
  for (const criterion of config.criteria) {
    if (criterion.kind === "evidence") {
      form[`answer:${criterion.key}`] =
        `${demo.distributionName} (${criterion.title.toLowerCase()}): see our public advisories and release notes.`;
      form[`evidence:${criterion.key}`] = `https://${demo.domain}/security`;
    }
    if (criterion.kind === "acceptance") form[`accept:${criterion.key}`] = "on";
  }
  return form;
}

/** The token of the newest link to `path` mailed to `to` (about `about`, when given), as its reader would click it. */
async function linkToken(db: Database, to: string, path: string, about?: string): Promise<string> {
  const mail = await db.outboxMail.findFirst({
    where: { to, text: { contains: path }, ...(about ? { subject: { contains: about } } : {}) },
    orderBy: { createdAt: "desc" },
    select: { text: true },
  });
  const token = mail?.text.match(new RegExp(`${path}([A-Za-z0-9_-]+)`))?.[1];
  if (!token) throw new Error(`demo seed: no ${path} link mailed to ${to}`);
  return token;
}

function check<T extends { ok: boolean }>(result: T, step: string): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`demo seed: could not ${step}: ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}
