"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { openAdvisoryLink } from "@/features/advisories/link";
import { acknowledgeAdvisory, fileAdvisoryReport, reportLeak } from "@/features/advisories/responses";
import {
  AcknowledgeAdvisorySchema,
  AdvisoryIdSchema,
  AdvisoryMemberSchema,
  AdvisoryReportSchema,
  LeakReportSchema,
  SendAdvisorySchema,
} from "@/features/advisories/schema";
import { addAdvisoryRecipient, approveAdvisory, resendToMember, sendAdvisory } from "@/features/advisories/sending";
import { linkAction, teamAction, userAction } from "@/features/auth/action";
import { getViewer, sessionCookieName } from "@/features/auth/data";
import { deliverMailNow } from "@/features/mail/schedule";
import { portalContext } from "@/features/portal-config/context";
import type { FormState } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { hashToken } from "@/lib/tokens";

export type AdvisoryFormState = FormState<{ message?: string }>;

const page = (input: { advisoryId: string }) => `/advisories/${input.advisoryId}`;

/**
 * A send queues one message per address (100,000 for the largest list): they
 * are delivered after the response, batch after batch until none is due, on
 * the pooled transport (the sweep's 30 s tick would take hours).
 */
function deliverAllAfterResponse(): void {
  after(() => deliverMailNow());
}

/** The link page's button: the token is the only credential; it opens the advisory, signing the address in once. */
export const openAdvisoryLinkAction = linkAction(
  null,
  async (_input, { token }) => {
    const { secureCookies } = getEnv();
    const jar = await cookies();
    const name = sessionCookieName(secureCookies);
    const opened = await openAdvisoryLink(getDb(), token, await getViewer(), jar.get(name)?.value);
    if (!opened.ok) redirect(`/advisories/read/${token}?refused=1`);
    const path = `/advisories/${opened.advisoryId}`;
    if (opened.next === "sign-in") redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
    if (opened.session) {
      jar.set(name, opened.session.token, {
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: secureCookies,
        expires: opened.session.expires,
      });
    }
    redirect(path);
  },
  {
    onRefused: () => redirect("/"),
    rateLimit: {
      name: "advisory-open",
      subject: ({ token }) => hashToken(token),
      message: "This link was opened too often. Wait a while, or sign in.",
    },
  },
);

/** A recipient acknowledges receipt and the rules of use of the current revision. */
export const acknowledgeAdvisoryAction = userAction(
  AcknowledgeAdvisorySchema,
  async (input, { viewer }): Promise<AdvisoryFormState> => {
    const result = await acknowledgeAdvisory(getDb(), viewer, input.advisoryId, input.revision);
    return result.ok ? { ok: true, message: `Revision ${input.revision} acknowledged. Thank you.` } : result;
  },
  {
    rateLimit: {
      name: "advisory-answer",
      subject: ({ viewer }) => viewer.id,
      message: "Too many answers; wait a while.",
    },
    revalidate: page,
  },
);

/** A recipient files a patch-test report. */
export const fileAdvisoryReportAction = userAction(
  AdvisoryReportSchema,
  async ({ advisoryId, ...report }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await fileAdvisoryReport(getDb(), viewer, advisoryId, report);
    return result.ok ? { ok: true, message: "Report filed. Thank you for telling the team." } : result;
  },
  {
    keepValues: true,
    rateLimit: {
      name: "advisory-answer",
      subject: ({ viewer }) => viewer.id,
      message: "Too many answers; wait a while.",
    },
    revalidate: page,
  },
);

/** A recipient reports a leak; the whole team is mailed at once. */
export const reportLeakAction = userAction(
  LeakReportSchema,
  async ({ advisoryId, ...leak }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await reportLeak(getDb(), viewer, advisoryId, leak, portalContext());
    return result.ok ? { ok: true, message: "Leak reported. The security team has been mailed." } : result;
  },
  {
    keepValues: true,
    mail: true,
    rateLimit: {
      name: "advisory-leak",
      subject: ({ viewer }) => viewer.id,
      message: "Too many leak reports; wait a while.",
    },
    revalidate: page,
  },
);

/** An owner sends the draft to every listed address. */
export const sendAdvisoryAction = teamAction(
  "OWNER",
  SendAdvisorySchema,
  async ({ advisoryId, emergencyReason }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await sendAdvisory(getDb(), viewer, advisoryId, { emergencyReason }, portalContext());
    if (result.ok) deliverAllAfterResponse();
    return result.ok
      ? { ok: true, message: `Sent to ${result.recipients} address(es) of ${result.members} member(s).` }
      : result;
  },
  {
    keepValues: true,
    rateLimit: { name: "advisory-send", subject: ({ viewer }) => viewer.id, message: "Too many sends; wait a while." },
    revalidate: page,
  },
);

/** Another team member than the author approves the draft as it is now. */
export const approveAdvisoryAction = teamAction(
  "REVIEWER",
  AdvisoryIdSchema,
  async ({ advisoryId }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await approveAdvisory(getDb(), viewer, advisoryId);
    return result.ok ? { ok: true, message: "Approved for sending, as it is now." } : result;
  },
  { revalidate: page },
);

/** An owner adds a member approved after sending. */
export const addAdvisoryRecipientAction = teamAction(
  "OWNER",
  AdvisoryMemberSchema,
  async ({ advisoryId, memberId }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await addAdvisoryRecipient(getDb(), viewer, advisoryId, memberId, portalContext());
    if (result.ok) deliverAllAfterResponse();
    return result.ok ? { ok: true, message: `Sent to the member's ${result.addresses} address(es).` } : result;
  },
  {
    rateLimit: { name: "advisory-resend", subject: ({ viewer }) => viewer.id, message: "Too many; wait a while." },
    revalidate: page,
  },
);

/** An owner sends the advisory again to one member, with new links. */
export const resendToMemberAction = teamAction(
  "OWNER",
  AdvisoryMemberSchema,
  async ({ advisoryId, memberId }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await resendToMember(getDb(), viewer, advisoryId, memberId, portalContext());
    if (result.ok) deliverAllAfterResponse();
    return result.ok
      ? { ok: true, message: `Sent again to ${result.addresses} address(es); the links mailed before stop working.` }
      : result;
  },
  {
    rateLimit: {
      name: "advisory-resend",
      subject: ({ viewer }) => viewer.id,
      message: "Too many re-sends; wait a while.",
    },
    revalidate: page,
  },
);
