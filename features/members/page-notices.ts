// Messages shown on a member's page after an action whose form goes away
// with its success (the member or request changed state). Chosen by a fixed
// code, so that nobody can put their own words on the page through a link.
export const MEMBER_NOTICES = {
  removed: "Removed: its addresses are off the list, and the contact was mailed the reason.",
  reinstated: "Reinstated: its addresses are back on the list, and the contact was mailed.",
  "address-change-approved": "Address change approved: the addresses changed, and the contact was mailed.",
  "address-change-rejected": "Address change rejected; the contact was mailed the note.",
  "handover-approved": "Handover approved: the new address is the contact now.",
  "handover-rejected": "Handover rejected; the contact was mailed the note.",
  extended: "Extended: the contact was mailed a new link, and the member is active again.",
} as const;

export type MemberNotice = keyof typeof MEMBER_NOTICES;

export function memberNoticeFor(code: string | string[] | undefined): string | null {
  return typeof code === "string" && code in MEMBER_NOTICES ? MEMBER_NOTICES[code as MemberNotice] : null;
}
