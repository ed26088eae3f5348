import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CreateApiTokenSchema, expiryFrom, MAX_EXPIRY_DAYS, RevokeApiTokenSchema } from "@/features/api-tokens/schema";

const now = new Date("2026-11-28T15:30:00Z");
const DAY = 86_400_000;

describe("a token's expiry", () => {
  it("counts days from now, two years at the longest", () => {
    expect(expiryFrom("30", "", now)).toEqual({ ok: true, expiresAt: new Date(now.getTime() + 30 * DAY) });
    expect(expiryFrom("365", "2030-01-01", now)).toEqual({ ok: true, expiresAt: new Date(now.getTime() + 365 * DAY) });
    expect(expiryFrom("730", "", now)).toEqual({ ok: true, expiresAt: new Date(now.getTime() + 730 * DAY) });
  });

  it('is never "never": that choice is refused beside the field', () => {
    const parsed = CreateApiTokenSchema.safeParse({ name: "n", scopes: ["members:read"], expires: "never" });
    expect(parsed.success).toBe(false);
    expect(z.flattenError(parsed.error as z.ZodError).fieldErrors).toEqual({
      expires: ["Choose when the token expires"],
    });
  });

  it("begins a chosen date after today, at most two years ahead", () => {
    expect(expiryFrom("date", "2026-11-29", now)).toEqual({ ok: true, expiresAt: new Date("2026-11-29T00:00:00Z") });
    expect(expiryFrom("date", "2028-11-27", now)).toMatchObject({ ok: true });
    expect(expiryFrom("date", "2028-11-28", now)).toMatchObject({ ok: false, message: expect.stringMatching(/730/) });
    expect(expiryFrom("date", "2026-11-28", now)).toMatchObject({ ok: false, message: "Choose a date after today" });
    expect(expiryFrom("date", "1999-01-01", now)).toMatchObject({ ok: false, message: "Choose a date after today" });
    expect(MAX_EXPIRY_DAYS).toBe(730);
  });

  it.each(["", "tomorrow", "2027-13-01", "2027-02-29", "27-01-01", "2027-1-1", "+02027-01-01"])(
    "refuses the date %j",
    (date) => {
      expect(expiryFrom("date", date, now).ok).toBe(false);
    },
  );
});

describe("the create form's schema", () => {
  it("trims the name and drops a scope sent twice", () => {
    const parsed = CreateApiTokenSchema.parse({
      name: "  Mailman sync  ",
      scopes: ["members:read", "members:read"],
      expires: "30",
    });
    expect(parsed).toMatchObject({ name: "Mailman sync", scopes: ["members:read"], expiresAt: expect.any(Date) });
  });

  it("reports every field's error at once, the expiry date's too", () => {
    const parsed = CreateApiTokenSchema.safeParse({ name: " ", scopes: [], expires: "date", expiresOn: "2020-01-01" });
    expect(parsed.success).toBe(false);
    expect(Object.keys(z.flattenError(parsed.error as z.ZodError).fieldErrors).sort()).toEqual([
      "expiresOn",
      "name",
      "scopes",
    ]);
    for (const input of [null, "x", [], 5]) expect(CreateApiTokenSchema.safeParse(input).success).toBe(false);
  });

  it("takes a name of 80 characters but not 81, and refuses unknown fields", () => {
    const base = { scopes: ["members:read"], expires: "90" };
    expect(CreateApiTokenSchema.safeParse({ ...base, name: "x".repeat(80) }).success).toBe(true);
    expect(CreateApiTokenSchema.safeParse({ ...base, name: "x".repeat(81) }).success).toBe(false);
    expect(CreateApiTokenSchema.safeParse({ ...base, name: "x", tokenHash: "0".repeat(64) }).success).toBe(false);
  });

  it("takes only a record id to revoke", () => {
    expect(RevokeApiTokenSchema.safeParse({ tokenId: "cl0000000000000000000000" }).success).toBe(true);
    expect(RevokeApiTokenSchema.safeParse({ tokenId: "1 OR 1=1" }).success).toBe(false);
    expect(RevokeApiTokenSchema.safeParse({ tokenId: "cl0000000000000000000000", extra: "1" }).success).toBe(false);
  });
});
