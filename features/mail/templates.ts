// Longer than 250 lines on purpose: every message the portal sends is here, so
// a reader sees them all side by side and each goes through the same escaping.
// Every message the portal sends, as plain text and HTML. User-supplied
// values only ever appear as escaped text; none reaches a header except the
// validated recipient address.

import { ALIAS_LINK_DAYS, SIGN_IN_LINK_MINUTES, VOUCH_LINK_DAYS } from "@/lib/link-lifetimes";

export type MailMessage = { to: string; subject: string; text: string; html: string };

type Block = { text: string } | { link: string; label: string } | { quote: string };

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function oneLine(value: string, max = 180): string {
  const flat = value.replace(/[\r\n\t]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The names in a message's facts (distribution, organisation, project,
 * addresses) on one line each, whatever was stored: a line break in a name
 * could start a line that reads as the portal's own (a fake link, a fake
 * instruction) in the mail the applicant gets sent to someone else.
 */
function flat<T extends object>(facts: T): T {
  return Object.fromEntries(
    Object.entries(facts).map(([key, value]) => [key, typeof value === "string" ? singleLine(value) : value]),
  ) as T;
}

function singleLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function compose(to: string, subject: string, blocks: Block[]): MailMessage {
  const text = blocks
    .map((block) => {
      if ("link" in block) return `${block.label}:\n${block.link}`;
      if ("quote" in block) return block.quote.replace(/^/gm, "> ");
      return block.text;
    })
    .join("\n\n");
  const html = blocks
    .map((block) => {
      if ("link" in block) {
        const href = escapeHtml(block.link);
        return `<p><a href="${href}">${escapeHtml(block.label)}</a></p><p style="color:#555;font-size:13px">${href}</p>`;
      }
      if ("quote" in block) {
        return `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">${escapeHtml(block.quote)}</blockquote>`;
      }
      return `<p style="white-space:pre-wrap">${escapeHtml(block.text)}</p>`;
    })
    .join("\n");
  return {
    to,
    subject: oneLine(subject),
    text: `${text}\n`,
    html: `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${html}</body></html>`,
  };
}

const SIGNATURE = {
  text: "This message was sent by the distributors portal. If you did not expect it, you can ignore it.",
};

export function signInLinkMail(to: string, project: string, url: string): MailMessage {
  return compose(to, `Sign in to the ${project} distributors portal`, [
    { text: "Someone, hopefully you, asked to sign in to the distributors portal with this address." },
    { link: url, label: "Open the sign-in page" },
    { text: `The link works once and expires in ${SIGN_IN_LINK_MINUTES} minutes.` },
    SIGNATURE,
  ]);
}

type ApplicationFacts = { project: string; distributionName: string; organisation: string; applicantEmail: string };

export function aliasVerificationMail(to: string, given: ApplicationFacts, url: string): MailMessage {
  const facts = flat(given);
  return compose(to, `Confirm this alias for the ${facts.project} distributors list`, [
    {
      text: `${facts.applicantEmail} is applying for ${facts.distributionName} (${facts.organisation}) to join the ${facts.project} private distributors list, and named this address as the security alias that will receive embargoed reports.`,
    },
    { text: "If this alias is monitored by that team, confirm it:" },
    { link: url, label: "Confirm the alias" },
    {
      text: `The link expires in ${ALIAS_LINK_DAYS} days. If you do not recognise this application, ignore this message.`,
    },
  ]);
}

export function vouchRequestMail(to: string, given: ApplicationFacts, url: string): MailMessage {
  const facts = flat(given);
  return compose(to, `Will you vouch for ${facts.distributionName}? (${facts.project} distributors list)`, [
    {
      text: `${facts.applicantEmail} is applying for ${facts.distributionName} (${facts.organisation}) to join the ${facts.project} private distributors list and named you, as the contact of a current member, to vouch for them.`,
    },
    { link: url, label: "Read the application and answer" },
    {
      text: `You can confirm or decline, with a comment for the security team. The link expires in ${VOUCH_LINK_DAYS} days.`,
    },
  ]);
}

export function applicationStatusMail(
  to: string,
  given: { project: string; distributionName: string },
  headline: string,
  url: string,
  detail?: string,
): MailMessage {
  const facts = flat(given);
  return compose(to, `${facts.distributionName}: ${headline}`, [
    {
      text: `Your application for ${facts.distributionName} to join the ${facts.project} private distributors list: ${headline}.`,
    },
    ...(detail ? [{ quote: detail }] : []),
    { link: url, label: "See the application" },
  ]);
}

export function reviewerNoticeMail(
  to: string,
  given: { project: string; distributionName: string; organisation: string },
  headline: string,
  url: string,
): MailMessage {
  const facts = flat(given);
  return compose(to, `[${facts.project} distributors] ${headline}: ${facts.distributionName}`, [
    { text: `${facts.distributionName} (${facts.organisation}): ${headline}.` },
    { link: url, label: "Review it" },
  ]);
}

type MemberFacts = { project: string; listName: string; distributionName: string };

/** Anything a member's contact is told about their membership: a headline, a detail, a link. */
export function memberNoticeMail(
  to: string,
  given: MemberFacts,
  headline: string,
  url: string,
  detail?: string,
): MailMessage {
  const facts = flat(given);
  return compose(to, `${facts.distributionName}: ${headline}`, [
    { text: `Your membership of the ${facts.listName} for ${facts.distributionName}: ${headline}.` },
    ...(detail ? [{ quote: detail }] : []),
    { link: url, label: "See your membership" },
  ]);
}

export function addressConfirmationMail(to: string, given: MemberFacts & { contactEmail: string }, url: string) {
  const facts = flat(given);
  return compose(to, `Confirm this address for the ${facts.listName}`, [
    {
      text: `${facts.contactEmail}, the contact for ${facts.distributionName} on the ${facts.project} private distributors list, asked to subscribe this address to the list, which receives embargoed security reports.`,
    },
    { text: "If this address is read by that team, confirm it:" },
    { link: url, label: "Confirm the address" },
    {
      text: `The link expires in ${ALIAS_LINK_DAYS} days. If you do not recognise this request, ignore this message.`,
    },
  ]);
}

export function handoverConfirmationMail(to: string, given: MemberFacts & { contactEmail: string }, url: string) {
  const facts = flat(given);
  return compose(to, `Become the contact for ${facts.distributionName} on the ${facts.listName}`, [
    {
      text: `${facts.contactEmail} asked to hand over the contact role for ${facts.distributionName} on the ${facts.project} private distributors list to this address. The contact answers re-attestations and requests address changes for the team.`,
    },
    { link: url, label: "Accept the contact role" },
    { text: `The link expires in ${ALIAS_LINK_DAYS} days. A reviewer of the security team approves the handover.` },
  ]);
}

/** The removal notice, in the project's own words (after the Kubernetes list's removal e-mail). */
export function removalMail(
  to: string,
  given: MemberFacts & { addresses: string[]; reason: string; applyUrl: string },
  message: string,
): MailMessage {
  const facts = flat(given);
  return compose(to, `${facts.project} distributors list: ${facts.distributionName} removed`, [
    {
      text: `The ${facts.project} security team has removed ${facts.distributionName} from the ${facts.listName}: ${facts.addresses.join(", ") || "its addresses"} will no longer receive embargoed reports.`,
    },
    { text: `The reason: ${facts.reason}.` },
    ...(message ? [{ quote: message }] : []),
    {
      text: `If ${facts.distributionName} meets all the membership criteria again, you can apply to join again:`,
    },
    { link: facts.applyUrl, label: "Apply to join the list" },
    { text: `Thank you, on behalf of the ${facts.project} security team.` },
  ]);
}

export function attestationRequestMail(
  to: string,
  given: MemberFacts & { dueOn: string },
  url: string,
  reminder: boolean,
): MailMessage {
  const facts = flat(given);
  return compose(
    to,
    `${reminder ? "Reminder: " : ""}Confirm ${facts.distributionName}'s membership of the ${facts.listName}`,
    [
      {
        text: `Once a year the ${facts.project} security team asks every member of the ${facts.listName} to confirm that it still meets the membership criteria and accepts the current embargo policy.`,
      },
      { text: `Please answer for ${facts.distributionName} by ${facts.dueOn}:` },
      { link: url, label: "Review and confirm" },
      {
        text: "The link works once. A member that does not answer by the date may be removed from the list.",
      },
    ],
  );
}

/**
 * The link that proves an address an application would subscribe to the
 * list (one that is not also its alias: the alias's own mail proves both).
 */
export function listAddressConfirmationMail(to: string, given: ApplicationFacts, url: string): MailMessage {
  const facts = flat(given);
  return compose(to, `Confirm this address for the ${facts.project} distributors list`, [
    {
      text: `${facts.applicantEmail} is applying for ${facts.distributionName} (${facts.organisation}) to join the ${facts.project} private distributors list, and named this address as one to subscribe to the list, which receives embargoed security reports.`,
    },
    { text: "If this address is read by that team, confirm it; nothing is subscribed without it:" },
    { link: url, label: "Confirm the address" },
    {
      text: `The link expires in ${ALIAS_LINK_DAYS} days. If you do not recognise this application, ignore this message.`,
    },
  ]);
}

/**
 * A vouch request passed on by a contact handover: the applicant named the
 * member's former contact, who can no longer vouch, so the new contact is asked.
 */
export function movedVouchRequestMail(
  to: string,
  given: ApplicationFacts & { memberName: string; formerContact: string },
  url: string,
): MailMessage {
  const facts = flat(given);
  return compose(to, `Will you vouch for ${facts.distributionName}? (${facts.project} distributors list)`, [
    {
      text: `${facts.applicantEmail} is applying for ${facts.distributionName} (${facts.organisation}) to join the ${facts.project} private distributors list and named ${facts.formerContact}, then the contact of ${facts.memberName}, to vouch for them.`,
    },
    {
      text: `You are now ${facts.memberName}'s contact, so the request passes to you; the earlier link no longer works.`,
    },
    { link: url, label: "Read the application and answer" },
    {
      text: `You can confirm or decline, with a comment for the security team. The link expires in ${VOUCH_LINK_DAYS} days.`,
    },
  ]);
}

/**
 * A new link to a re-attestation waiting for an answer, asked for by the
 * member's contact on /membership or sent by an owner: the earlier link no
 * longer works. Always to the member's current contact address.
 */
export function attestationLinkResentMail(
  to: string,
  given: MemberFacts & { dueOn: string },
  url: string,
  askedBy: "contact" | "team",
): MailMessage {
  const facts = flat(given);
  return compose(to, `New link: confirm ${facts.distributionName}'s membership of the ${facts.listName}`, [
    {
      text:
        askedBy === "contact"
          ? `You asked for a new link to confirm ${facts.distributionName}'s membership of the ${facts.listName}.`
          : `The ${facts.project} security team sent you a new link to confirm ${facts.distributionName}'s membership of the ${facts.listName}.`,
    },
    { text: `Please answer by ${facts.dueOn}:` },
    { link: url, label: "Review and confirm" },
    {
      text: "The link works once. Any link mailed to you before for this re-attestation no longer works. If you did not ask for this, tell the security team.",
    },
  ]);
}

/**
 * An owner reset a team member's passkeys (/team): every passkey and session
 * of theirs is gone. To the team member, so that a reset they did not expect
 * is noticed; it names the owner, never a credential.
 */
export function passkeysResetMail(
  to: string,
  given: { project: string; resetBy: string; count: number },
  signInUrl: string,
): MailMessage {
  const facts = flat(given);
  const passkeys = facts.count === 1 ? "your passkey" : `your ${facts.count} passkeys`;
  return compose(to, `Your passkeys on the ${facts.project} distributors portal were reset`, [
    {
      text: `${facts.resetBy}, an owner of the ${facts.project} security team, removed ${passkeys} from the distributors portal and signed you out everywhere.`,
    },
    {
      text: "Next time you sign in with an e-mail link, the portal asks you to register a new passkey before you can use the team's pages.",
    },
    { link: signInUrl, label: "Sign in" },
    {
      text: "If you did not ask for this, tell the other owners of the security team at once: someone may be using an owner's account.",
    },
  ]);
}
