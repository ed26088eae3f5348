// What the fault tests' load sends (test/security/faults.test.ts): mostly
// pages (public ones, an applicant's, the review queue and a review page, the
// health check), and a steady stream of real writes over HTTP: applicants
// starting an application and submitting it, reviewers voting. Every write
// the portal acknowledges is kept, to be looked for in the database afterwards.
import pg from "pg";
import { builtActions } from "@/test/helpers/build-manifests";
import { applicantForm, type FaultApplicant, type FaultFixture } from "@/test/helpers/fault-fixture";
import type { Answer, Shot } from "@/test/helpers/loopback-load";
import { callServerAction, formOf } from "@/test/helpers/server-actions";

export type Acknowledged = {
  drafts: { id: string; applicantId: string }[];
  submissions: string[];
  /** A vote is known by its reason, unique to each vote sent; the audit log keeps every one. */
  votes: { applicationId: string; reviewerId: string; reason: string }[];
};

const ACTIONS = {
  start: "features/applications/actions.ts#startApplicationAction",
  submit: "features/applications/actions.ts#saveOrSubmitApplicationAction",
  vote: "features/reviews/actions.ts#castVoteAction",
} as const;

const cookie = (session: string) => ({ cookie: `next-auth.session-token=${session}` });

/** A source of shots: one in ten starts or submits an application, one in ten is a vote, the rest are pages. */
export function faultWorkload(baseUrl: string, fx: FaultFixture, label: string) {
  const built = new Map(builtActions().map((action) => [action.key, action.id]));
  const actionId = (key: string) => {
    const id = built.get(key);
    if (!id) throw new Error(`no action ${key} in the build`);
    return id;
  };
  const acknowledged: Acknowledged = { drafts: [], submissions: [], votes: [] };
  const toSubmit: { applicant: FaultApplicant; id: string; tries: number }[] = [];
  let nextApplicant = 0;
  let turn = 0;
  let votes = 0;

  const page = (path: string, headers: Record<string, string> = {}, usesDatabase = true): Shot => ({
    label: `GET ${path}`,
    usesDatabase,
    fire: async () => {
      const response = await fetch(`${baseUrl}${path}`, {
        redirect: "manual",
        headers: { accept: "text/html", ...headers },
      });
      await response.arrayBuffer();
      return { status: response.status, headers: response.headers };
    },
  });

  const start = (applicant: FaultApplicant): Shot => ({
    label: "start an application",
    usesDatabase: true,
    fire: async () => {
      const answer = await callServerAction(baseUrl, {
        id: actionId(ACTIONS.start),
        page: "/apply",
        args: [formOf({})],
        headers: cookie(applicant.session),
      });
      const id = answer.redirect?.match(/^\/applications\/([^/?]+)\/edit$/)?.[1];
      if (id) {
        acknowledged.drafts.push({ id, applicantId: applicant.id });
        toSubmit.push({ applicant, id, tries: 0 });
      }
      return answer satisfies Answer;
    },
  });

  const submit = (draft: { applicant: FaultApplicant; id: string; tries: number }): Shot => ({
    label: "submit an application",
    usesDatabase: true,
    fire: async () => {
      const answer = await callServerAction(baseUrl, {
        id: actionId(ACTIONS.submit),
        page: `/applications/${draft.id}/edit`,
        args: [{ ok: true }, formOf(applicantForm(draft.applicant.index, draft.id))],
        headers: cookie(draft.applicant.session),
      });
      if (answer.redirect === `/applications/${draft.id}?notice=submitted`) acknowledged.submissions.push(draft.id);
      // Unavailable: the applicant tries again later, as a person would.
      else if (answer.status === 503 && draft.tries < 5) toSubmit.push({ ...draft, tries: draft.tries + 1 });
      return answer;
    },
  });

  const vote = (): Shot => {
    votes++;
    const reviewer = fx.reviewers[votes % fx.reviewers.length] as FaultFixture["reviewers"][number];
    const applicationId = fx.inReview[Math.floor(votes / fx.reviewers.length) % fx.inReview.length] as string;
    const reason = `${label} vote ${votes}`;
    return {
      label: "vote",
      usesDatabase: true,
      fire: async () => {
        const answer = await callServerAction(baseUrl, {
          id: actionId(ACTIONS.vote),
          page: `/review/${applicationId}`,
          args: [{ ok: true }, formOf({ applicationId, choice: "ABSTAIN", reason })],
          headers: cookie(reviewer.session),
        });
        if ((answer.value as { ok?: boolean } | undefined)?.ok === true) {
          acknowledged.votes.push({ applicationId, reviewerId: reviewer.id, reason });
        }
        return answer;
      },
    };
  };

  const reads = (index: number): Shot => {
    const applicant = fx.applicants[index % fx.applicants.length] as FaultApplicant;
    const reviewer = fx.reviewers[index % fx.reviewers.length] as FaultFixture["reviewers"][number];
    const reviewed = fx.inReview[index % fx.inReview.length] as string;
    switch (index % 6) {
      case 0:
        return page("/", {}, false);
      case 1:
        return page("/policy", {}, false);
      case 2:
        return page("/api/health");
      case 3:
        return page("/apply", cookie(applicant.session));
      case 4:
        return page("/review", cookie(reviewer.session));
      default:
        return page(`/review/${reviewed}`, cookie(reviewer.session));
    }
  };

  const next = (): Shot => {
    turn++;
    if (turn % 10 === 3) {
      const draft = toSubmit.shift();
      if (draft) return submit(draft);
      const applicant = fx.applicants[nextApplicant];
      if (applicant) {
        nextApplicant++;
        return start(applicant);
      }
    }
    if (turn % 10 === 7) return vote();
    return reads(turn);
  };
  return { next, acknowledged };
}

/** The acknowledged writes that are not in the database: empty when every one was stored. */
export async function missingWrites(url: string, acked: Acknowledged): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: "faults-test" });
  await client.connect();
  try {
    const missing: string[] = [];
    const drafts = await client.query<{ id: string; applicantId: string }>(
      `SELECT id, "applicantId" FROM "Application" WHERE id = ANY($1)`,
      [acked.drafts.map((draft) => draft.id)],
    );
    const draftOwners = new Map(drafts.rows.map((row) => [row.id, row.applicantId]));
    for (const draft of acked.drafts) {
      if (draftOwners.get(draft.id) !== draft.applicantId) missing.push(`draft ${draft.id}`);
    }
    const submitted = await client.query<{ subjectId: string }>(
      `SELECT a."subjectId" FROM "AuditEvent" a JOIN "Application" p ON p.id = a."subjectId"
        WHERE a.action = 'application.submitted' AND a."subjectId" = ANY($1) AND p.state <> 'DRAFT'`,
      [acked.submissions],
    );
    const stored = new Set(submitted.rows.map((row) => row.subjectId));
    for (const id of acked.submissions) if (!stored.has(id)) missing.push(`submission ${id}`);
    const voted = await client.query<{ reason: string }>(
      `SELECT data->>'reason' AS reason FROM "AuditEvent" WHERE action = 'review.voted' AND data->>'reason' = ANY($1)`,
      [acked.votes.map((v) => v.reason)],
    );
    const reasons = new Set(voted.rows.map((row) => row.reason));
    const rows = await client.query<{ key: string }>(
      `SELECT "applicationId" || ' ' || "reviewerId" AS key FROM "Vote" WHERE "applicationId" = ANY($1)`,
      [[...new Set(acked.votes.map((v) => v.applicationId))]],
    );
    const pairs = new Set(rows.rows.map((row) => row.key));
    for (const v of acked.votes) {
      if (!reasons.has(v.reason)) missing.push(`vote "${v.reason}" (no audit event)`);
      if (!pairs.has(`${v.applicationId} ${v.reviewerId}`)) missing.push(`vote "${v.reason}" (no vote row)`);
    }
    return missing;
  } finally {
    await client.end();
  }
}
