// Messages shown after a redirect, chosen by a fixed code so that nobody can
// put their own words on the portal's pages through a crafted link.
export const NOTICES = {
  submitted: {
    tone: "success",
    message: "Application submitted. We have mailed your voucher and told the security team.",
  },
  withdrawn: { tone: "success", message: "Application withdrawn." },
  "not-withdrawn": { tone: "error", message: "This application can no longer be withdrawn." },
  "alias-sent": { tone: "success", message: "A new confirmation link is on its way to that address." },
  "alias-not-sent": {
    tone: "error",
    message:
      "No link was sent: the address is already confirmed, is not one this application names, or had too many links today.",
  },
  "too-many": { tone: "error", message: "You have too many applications; withdraw or finish one first." },
} as const satisfies Record<string, { tone: "success" | "error"; message: string }>;

export function noticeFor(code: string | undefined) {
  return code && code in NOTICES ? NOTICES[code as keyof typeof NOTICES] : null;
}
