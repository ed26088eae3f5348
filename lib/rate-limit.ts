import { cameThroughFrontDoor, UNVERIFIED_CLIENT } from "@/lib/front-door";
import type { Database } from "@/lib/prisma";

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
 * restarts: counts one hit of `key` and says whether it is within `limit`.
 */
export async function consumeRateLimit(
  db: Database,
  key: string,
  limit: number,
  windowMs: number,
): Promise<RateLimitResult> {
  return judge(await hit(db, key, windowMs), limit);
}

/**
 * Takes one hit of `key`'s budget before the work it guards, to be given
 * back with `refund` when the work turns out not to count (a valid API token
 * is not a refusal). Taking it first means that once the budget is spent
 * every request is refused unread, however many arrive at once.
 */
export async function reserveRateLimit(
  db: Database,
  key: string,
  limit: number,
  windowMs: number,
): Promise<RateLimitResult & { refund: () => Promise<void> }> {
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
export async function consumeRateLimits(
  db: Database,
  limits: { key: string; limit: number; windowMs: number }[],
): Promise<RateLimitResult> {
  let worst: RateLimitResult = { ok: true, remaining: Number.POSITIVE_INFINITY };
  for (const { key, limit, windowMs } of limits) {
    const result = await consumeRateLimit(db, key, limit, windowMs);
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
