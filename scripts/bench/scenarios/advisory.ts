// Sending one advisory to every listed address (2,000 members, 100,000
// addresses at full scale): the seconds sendAdvisory takes to queue every
// message and recipient against the same rows written by one INSERT … SELECT
// run directly right before it (then rolled back); and the portal's delivery
// of those messages to the loopback sink (drainOutbox, the function the
// portal runs after the send) in messages/s against nodemailer sending the
// same messages itself on a pool of the same size.
import { performance } from "node:perf_hooks";
import nodemailer from "nodemailer";
import pg from "pg";
import { advisoryMailTemplate, linkMarker } from "@/features/advisories/advisory-mail";
import { createAdvisoryDraft } from "@/features/advisories/mutations";
import { AdvisoryDraftSchema } from "@/features/advisories/schema";
import { approveAdvisory, sendAdvisory } from "@/features/advisories/sending";
import { snapshotOf } from "@/features/advisories/snapshot";
import type { TeamViewer } from "@/features/auth/data";
import { DEFAULT_POOL_SIZE, drainOutbox } from "@/features/mail/delivery";
import { contextOf } from "@/features/portal-config/context";
import type { PortalConfig } from "@/features/portal-config/schema";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import { createDatabase } from "@/lib/prisma";
import { type Row, row } from "../results";
import { teamUserId } from "../seed-sql";

const FROM = "Distributors Portal <portal@bench.example>";
const BASE_URL = "https://portal.bench.example";
const DAY = 24 * 60 * 60 * 1000;

const paragraph =
  "A crafted request header lets a workload skip the sidecar's authorization policy when the mesh runs in kernel-native mode; " +
  "the check compares the header's value before normalising it, so a second, differently cased copy reaches the service unchecked. ";

/** The draft's form as an owner fills it in: a realistic advisory, mailed in full. */
function draftForm() {
  const disclosure = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 16);
  return AdvisoryDraftSchema.parse({
    title: "Authorization policy bypass through duplicated request headers",
    cveIds: "CVE-2026-41234",
    ghsaIds: "",
    cvssVector: "",
    affectedVersions: "1.0.x\n1.1.x",
    fixedVersions: "1.1.3",
    description: `${paragraph.repeat(4)}\n\n${paragraph.repeat(3)}`,
    mitigations: "Reject requests carrying the header twice at the ingress gateway until the fix is deployed.",
    reproduction: "Send a request with both `X-Authz` and `x-authz` set; the second one reaches the workload.",
    patchLinks: "https://github.com/kmesh-net/kmesh/pull/9999",
    mayDo: "build and test patched packages\nshare the advisory with the people preparing the fix",
    mayNotDo: "publish patched packages before the disclosure\ndiscuss the issue in public",
    disclosureAt: disclosure,
    mailFullText: "on",
  });
}

export async function sendingAdvisory(
  databaseUrl: string,
  config: PortalConfig,
  smtpUrl: string,
  log: (line: string) => void,
): Promise<Row[]> {
  const poolSize = Number(process.env.MAIL_POOL_SIZE ?? DEFAULT_POOL_SIZE);
  const context = contextOf(config, BASE_URL);
  const db = createDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const owner: TeamViewer = { id: teamUserId(0), email: "owner@bench-team.example", role: "OWNER" };
    const reviewer: TeamViewer = { id: teamUserId(1), email: "reviewer1@bench-team.example", role: "REVIEWER" };
    const drafted = await createAdvisoryDraft(db, owner, draftForm());
    if (!drafted.ok) throw new Error(`the draft was refused: ${drafted.formError}`);
    const { advisoryId } = drafted;
    if (context.advisories.requireSecondApproval) {
      const approved = await approveAdvisory(db, reviewer, advisoryId);
      if (!approved.ok) throw new Error(`the approval was refused: ${approved.formError}`);
    }

    const direct = await insertDirectly(client, db, advisoryId, context);
    log(
      `advisory: ${direct.rows.toLocaleString("en-US")} rows by one INSERT … SELECT in ${direct.seconds.toFixed(1)} s`,
    );
    let began = performance.now();
    const sent = await sendAdvisory(db, owner, advisoryId, {}, context);
    const queueSeconds = (performance.now() - began) / 1000;
    if (!sent.ok) throw new Error(`the send was refused: ${sent.formError}`);
    if (sent.recipients !== direct.rows) {
      console.error(`bench: the send queued ${sent.recipients} messages, the INSERT … SELECT ${direct.rows}`);
    }
    log(`advisory: sendAdvisory queued ${sent.recipients.toLocaleString("en-US")} in ${queueSeconds.toFixed(1)} s`);

    const mailIds = await client.query<{ id: string }>(
      `SELECT "mailId" AS id FROM "AdvisoryRecipient" WHERE "advisoryId" = $1 ORDER BY "mailId"`,
      [advisoryId],
    );
    const ids = mailIds.rows.map((r) => r.id);
    const nodemailerSeconds = await sendWithNodemailer(client, ids, smtpUrl, poolSize);
    log(`advisory: nodemailer sent ${ids.length.toLocaleString("en-US")} in ${nodemailerSeconds.toFixed(1)} s`);

    began = performance.now();
    const delivered = await drainOutbox(db, { smtpUrl, from: FROM, baseUrl: BASE_URL, poolSize });
    const deliverySeconds = (performance.now() - began) / 1000;
    if (delivered.failed > 0 || delivered.sent < ids.length) {
      console.error(`bench: the portal's delivery sent ${delivered.sent} of ${ids.length}, ${delivered.failed} failed`);
    }
    log(
      `advisory: the portal's delivery sent ${delivered.sent.toLocaleString("en-US")} in ${deliverySeconds.toFixed(1)} s`,
    );

    const name = `send one advisory to ${sent.members.toLocaleString("en-US")} members (${sent.recipients.toLocaleString("en-US")} addresses)`;
    return [
      row(name, "seconds to queue every message (sendAdvisory) vs one INSERT … SELECT", queueSeconds, direct.seconds, {
        text: "≤ 2 × baseline",
        check: (_value, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 2,
      }),
      row(
        name,
        `messages/s delivered to the loopback sink (${poolSize} connections) vs nodemailer's pool alone`,
        delivered.sent / deliverySeconds,
        ids.length / nodemailerSeconds,
        { text: "≥ 0.8 × baseline", check: (_value, ratio) => (ratio ?? 0) >= 0.8 },
      ),
    ];
  } finally {
    await client.end();
    await db.$disconnect();
  }
}

/**
 * The baseline of the queueing: the same rows (a recipient with a token's
 * hash and a message with its own link per listed address) written by one
 * statement from the listed addresses, timed, then rolled back and vacuumed.
 */
async function insertDirectly(
  client: pg.Client,
  db: ReturnType<typeof createDatabase>,
  advisoryId: string,
  context: ReturnType<typeof contextOf>,
): Promise<{ rows: number; seconds: number }> {
  const advisory = await db.advisory.findUniqueOrThrow({ where: { id: advisoryId }, include: { patches: true } });
  const marker = linkMarker();
  const template = advisoryMailTemplate(snapshotOf(advisory, advisory.patches), {
    fullText: advisory.mailFullText,
    context,
    marker,
  });
  await client.query("BEGIN");
  let rows = 0;
  const began = performance.now();
  try {
    const result = await client.query(
      `WITH listed AS (
         SELECT s.address, s."memberId",
                'c' || substr(md5(random()::text || s.id), 1, 24) AS id,
                'c' || substr(md5(s.id || random()::text), 1, 24) AS mail,
                translate(rtrim(encode(sha256(convert_to(random()::text || s.id, 'UTF8')), 'base64'), '='), '+/', '-_') AS token
           FROM "SubscriberAddress" s JOIN "Member" m ON m.id = s."memberId"
          WHERE s."removedAt" IS NULL AND m.status::text = ANY($2::text[])),
       mails AS (
         INSERT INTO "OutboxMail" (id, "to", subject, text, html)
         SELECT mail, address, $3, replace($4, $6, token), replace($5, $6, token) FROM listed)
       INSERT INTO "AdvisoryRecipient" (id, "advisoryId", "memberId", address, "tokenHash", "mailId")
       SELECT id, $1, "memberId", address, encode(sha256(convert_to(token, 'UTF8')), 'hex'), mail FROM listed`,
      [advisoryId, [...ON_THE_LIST], template.subject, template.text, template.html, marker],
    );
    rows = result.rowCount ?? 0;
  } finally {
    await client.query("ROLLBACK");
  }
  const seconds = (performance.now() - began) / 1000;
  await client.query(`VACUUM "OutboxMail", "AdvisoryRecipient"`);
  return { rows, seconds };
}

/** nodemailer on its own: the queued messages read by id and sent on a pool of `poolSize` connections. */
async function sendWithNodemailer(client: pg.Client, ids: string[], smtpUrl: string, poolSize: number) {
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: poolSize });
  const began = performance.now();
  try {
    const page = 1000;
    for (let start = 0; start < ids.length; start += page) {
      const { rows } = await client.query<{ to: string; subject: string; text: string; html: string }>(
        `SELECT "to", subject, text, html FROM "OutboxMail" WHERE id = ANY($1::text[])`,
        [ids.slice(start, start + page)],
      );
      await Promise.all(
        rows.map((mail) =>
          transport.sendMail({ from: FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html }),
        ),
      );
    }
    return (performance.now() - began) / 1000;
  } finally {
    transport.close();
  }
}
