import { randomBytes, timingSafeEqual } from "node:crypto";

// The portal's front door (lib/forwarding-proxy.ts, started by
// scripts/portal.ts) records the client's address in X-Forwarded-For and
// signs each request it passes on with a secret made at every start. Next
// listens on loopback behind it; a request that reaches Next any other way
// (a local process on Next's own port) lacks the secret, so its
// X-Forwarded-For is not believed and it cannot spend another client's
// rate-limit budget.

export const FRONT_DOOR_HEADER = "x-portal-front-door";
export const FRONT_DOOR_SECRET_VARIABLE = "PORTAL_FRONT_DOOR_SECRET";

/** What a request's client address is called when it did not come through the front door. */
export const UNVERIFIED_CLIENT = "unverified";

export function newFrontDoorSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** True when the request carries this process's front-door secret. */
export function cameThroughFrontDoor(
  headers: Headers,
  secret: string | undefined = process.env[FRONT_DOOR_SECRET_VARIABLE],
): boolean {
  const given = headers.get(FRONT_DOOR_HEADER);
  if (!secret || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
