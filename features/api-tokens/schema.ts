import { z } from "zod";
import { lineInput, RecordIdSchema } from "@/lib/input";

/** What a token may be used for. Exports are the only use today. */
export const API_TOKEN_SCOPES = ["members:read"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const SCOPE_LABELS: Record<ApiTokenScope, string> = {
  "members:read": "Read the member list (exports)",
};

/**
 * The expiry choices of the form: a number of days or a date, at most two
 * years ahead. There is no "never": a token is a standing copy of the member
 * list's read access, and one forgotten in a script should die on its own.
 */
export const EXPIRY_CHOICES = {
  "30": "In 30 days",
  "90": "In 90 days",
  "365": "In a year",
  "730": "In two years (the longest)",
  date: "On a date…",
} as const;
export type ExpiryChoice = keyof typeof EXPIRY_CHOICES;

export const MAX_EXPIRY_DAYS = 730;
const DAY_MS = 24 * 60 * 60 * 1000;

const NAME_MESSAGE = "Give the token a name, such as the system that will use it";

/**
 * When a token chosen in the form expires: `days` from `now`, or the start
 * (00:00 UTC) of a date after today, at most two years ahead.
 */
export function expiryFrom(
  choice: ExpiryChoice,
  date: string,
  now: Date,
): { ok: true; expiresAt: Date } | { ok: false; message: string } {
  if (choice !== "date") return { ok: true, expiresAt: new Date(now.getTime() + Number(choice) * DAY_MS) };
  if (date === "") return { ok: false, message: "Choose the date on which the token stops working" };
  const start = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== date)
    return { ok: false, message: "Give the date like 2027-03-31" };
  if (start.getTime() <= now.getTime()) return { ok: false, message: "Choose a date after today" };
  if (start.getTime() > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS)
    return { ok: false, message: `Choose a date at most ${MAX_EXPIRY_DAYS} days ahead` };
  return { ok: true, expiresAt: start };
}

export const CreateApiTokenSchema = z
  .strictObject({
    name: lineInput(80).min(1, NAME_MESSAGE),
    scopes: z
      .array(z.enum(API_TOKEN_SCOPES, { message: "Choose from the scopes listed" }), {
        message: "Choose at least one scope",
      })
      .min(1, "Choose at least one scope")
      .max(20, "Choose from the scopes listed")
      .transform((scopes) => [...new Set(scopes)]),
    expires: z.enum(Object.keys(EXPIRY_CHOICES) as [ExpiryChoice, ...ExpiryChoice[]], {
      message: "Choose when the token expires",
    }),
    // Only read when `expires` is "date"; the form sends it empty otherwise.
    expiresOn: z.string().trim().max(10, "Give the date like 2027-03-31").default(""),
  })
  // Checked even when the name or scopes are wrong, so that every error shows at once.
  .superRefine(
    ({ expires, expiresOn }, ctx) => {
      const expiry = expiryFrom(expires, expiresOn, new Date());
      if (!expiry.ok) ctx.addIssue({ code: "custom", path: ["expiresOn"], message: expiry.message });
    },
    {
      when: ({ issues }) =>
        !issues.some((issue) => !issue.path?.length || ["expires", "expiresOn"].includes(String(issue.path[0]))),
    },
  )
  .transform(({ name, scopes, expires, expiresOn }, ctx) => {
    const expiry = expiryFrom(expires, expiresOn, new Date());
    if (expiry.ok) return { name, scopes, expiresAt: expiry.expiresAt };
    ctx.addIssue({ code: "custom", path: ["expiresOn"], message: expiry.message });
    return z.NEVER;
  });
export type CreateApiTokenInput = z.output<typeof CreateApiTokenSchema>;

export const RevokeApiTokenSchema = z.strictObject({
  tokenId: RecordIdSchema,
});
export type RevokeApiTokenInput = z.infer<typeof RevokeApiTokenSchema>;
