import { cameThroughFrontDoor, UNVERIFIED_CLIENT } from "@/lib/front-door";
import { DAY_MS, MINUTE_MS, SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";

const HOUR_MS = 60 * MINUTE_MS;

/**
 * Every rate limit of the portal, by name, with its numbers: the one place
 * they are set. A name is also the start of its buckets' keys (`name:subject`),
 * so a bucket in the database says which limit it counts.
 */
export const RATE_LIMITS = {
  // Signing in (features/auth).
  "signin:mailbox": { limit: 5, windowMs: 15 * MINUTE_MS },
  "signin:domain": { limit: 100, windowMs: HOUR_MS },
  "signin:client": { limit: 200, windowMs: HOUR_MS },
  /** Wrong addresses typed for one link: enough for typing mistakes, too few for guessing. */
  "signin:typed": { limit: 5, windowMs: SIGN_IN_LINK_MINUTES * MINUTE_MS },
  // Passkeys (features/passkeys): sign-in challenges asked for per client
  // address, generous (an office behind one NAT); failed passkey sign-ins per
  // client address, strict (each is reserved before the check and given back
  // on success); a signed-in person's passkey changes, and their tries at the passkey step.
  "passkey-signin:client": { limit: 120, windowMs: HOUR_MS },
  "passkey-signin:failures": { limit: 10, windowMs: 15 * MINUTE_MS },
  "passkey-manage": { limit: 30, windowMs: HOUR_MS },
  "passkey-step": { limit: 20, windowMs: 15 * MINUTE_MS },
  // API tokens: creations per owner, refusals per client address, uses per token.
  "api-token-create": { limit: 20, windowMs: HOUR_MS },
  "api-token-failures": { limit: 20, windowMs: 10 * MINUTE_MS },
  "api-token-uses": { limit: 120, windowMs: HOUR_MS },
  // The applicant: draft saves, duplicate checks, submissions.
  "draft-save": { limit: 60, windowMs: MINUTE_MS },
  "duplicate-check": { limit: 30, windowMs: HOUR_MS },
  submit: { limit: 30, windowMs: HOUR_MS },
  // Links to an application's addresses, a day: per address, mailbox, application, applicant.
  "address-link": { limit: 5, windowMs: DAY_MS },
  "address-link-to": { limit: 10, windowMs: DAY_MS },
  "address-link-app": { limit: 33, windowMs: DAY_MS },
  "address-link-user": { limit: 40, windowMs: DAY_MS },
  "another-voucher": { limit: 5, windowMs: DAY_MS },
  // A member's contact: address changes, handovers, new attestation links.
  "address-change": { limit: 10, windowMs: DAY_MS },
  handover: { limit: 5, windowMs: DAY_MS },
  "attestation-link:contact": { limit: 3, windowMs: DAY_MS },
  "attestation-link:member": { limit: 5, windowMs: DAY_MS },
  "attestation-mail:owner": { limit: 30, windowMs: HOUR_MS },
  // Owners: downloads of the member list and of the audit log, runs of the Mailman sync.
  "export:user": { limit: 120, windowMs: HOUR_MS },
  "audit-export:user": { limit: 60, windowMs: HOUR_MS },
  "mailman-sync": { limit: 30, windowMs: HOUR_MS },
  /** An owner resetting team members' passkeys (each mails the person): per owner. */
  "passkey-reset:owner": { limit: 10, windowMs: HOUR_MS },
  // Advisories: the team's edits and sends (mail to every recipient), a recipient's answers and leak reports, patch downloads.
  "advisory-edit": { limit: 120, windowMs: HOUR_MS },
  "advisory-send": { limit: 30, windowMs: HOUR_MS },
  "advisory-resend": { limit: 60, windowMs: HOUR_MS },
  "advisory-answer": { limit: 30, windowMs: HOUR_MS },
  "advisory-leak": { limit: 5, windowMs: HOUR_MS },
  "advisory-open": { limit: 30, windowMs: HOUR_MS },
  "advisory-download": { limit: 300, windowMs: HOUR_MS },
} as const satisfies Record<string, { limit: number; windowMs: number }>;

export type RateLimitName = keyof typeof RATE_LIMITS;

const keyOf = (name: RateLimitName, subject: string) => `${name}:${subject}`;

export type RateLimitResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

type Hit = { count: number; resetAt: Date; window: string };

// One atomic statement counts the hit and opens a new window when the old
// one has ended. `window` names the window the hit went into (its end, as
// the database writes it), so that a refund finds exactly that one.
async function hit(db: Database, key: string, windowMs: number): Promise<Hit> {
  const rows = await db.$queryRaw<Hit[]>`
    INSERT INTO "RateLimitBucket" (key, count, "resetAt")
    VALUES (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}::double precision))
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN "RateLimitBucket"."resetAt" <= now() THEN 1 ELSE "RateLimitBucket".count + 1 END,
      "resetAt" = CASE WHEN "RateLimitBucket"."resetAt" <= now() THEN EXCLUDED."resetAt" ELSE "RateLimitBucket"."resetAt" END
    RETURNING count, "resetAt", "resetAt"::text AS window`;
  const row = rows[0];
  if (!row) throw new Error("rate limiter returned no row");
  return row;
}

function judge({ count, resetAt }: Hit, limit: number): RateLimitResult {
  if (count <= limit) return { ok: true, remaining: limit - count };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000)) };
}

/**
 * Fixed-window limiter kept in Postgres, so it holds across processes and
 * restarts: counts one hit of the limit `name` for `subject` and says whether
 * it is within the limit.
 */
export async function consumeLimit(db: Database, name: RateLimitName, subject: string): Promise<RateLimitResult> {
  const { limit, windowMs } = RATE_LIMITS[name];
  return judge(await hit(db, keyOf(name, subject), windowMs), limit);
}

/**
 * Takes one hit of `key`'s budget before the work it guards, to be given
 * back with `refund` when the work turns out not to count (a valid API token
 * is not a refusal). Taking it first means that once the budget is spent
 * every request is refused unread, however many arrive at once.
 */
export async function reserveLimit(
  db: Database,
  name: RateLimitName,
  subject: string,
): Promise<RateLimitResult & { refund: () => Promise<void> }> {
  const { limit, windowMs } = RATE_LIMITS[name];
  const key = keyOf(name, subject);
  const taken = await hit(db, key, windowMs);
  // Only within the window the hit was taken in: a refund never lowers a later window's count.
  const refund = async () => {
    await db.$executeRaw`
      UPDATE "RateLimitBucket" SET count = count - 1
       WHERE key = ${key} AND "resetAt"::text = ${taken.window} AND count > 0`;
  };
  return { ...judge(taken, limit), refund };
}

/** Checks several limits; the first one exceeded answers. Every limit counts the hit. */
export async function consumeLimits(
  db: Database,
  limits: { name: RateLimitName; subject: string }[],
): Promise<RateLimitResult> {
  let worst: RateLimitResult = { ok: true, remaining: Number.POSITIVE_INFINITY };
  for (const { name, subject } of limits) {
    const result = await consumeLimit(db, name, subject);
    if (!result.ok && (worst.ok || result.retryAfterSeconds > worst.retryAfterSeconds)) worst = result;
    if (result.ok && worst.ok) worst = { ok: true, remaining: Math.min(worst.remaining, result.remaining) };
  }
  return worst;
}

/**
 * The client's address for rate limiting: the last X-Forwarded-For entry of
 * a request that came through the portal's front door (lib/front-door.ts),
 * which sets the header from the connection or, with TRUST_PROXY=true,
 * passes on the header of the reverse proxy in front, whose last entry is
 * the client it saw. Any other request is "unverified": its header is not
 * believed, and it shares one budget with every other such request.
 */
export function clientAddress(headers: Headers, frontDoorSecret?: string): string {
  if (!cameThroughFrontDoor(headers, frontDoorSecret)) return UNVERIFIED_CLIENT;
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chosen = entries.at(-1);
  return chosen && /^[0-9a-fA-F:.]{2,45}$/.test(chosen) ? chosen : "unknown";
}
