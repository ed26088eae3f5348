import type { Prisma } from "@/generated/prisma/client";
import { normalizeEmail } from "@/lib/email";

// The checks besides the votes: each address the application would put on
// the list (its alias and every list address) proved by its own mailed link,
// and the vouch confirmed.

/** An address the application names, and in which role: its security alias, an address to subscribe, or both. */
export type NamedAddress = { address: string; alias: boolean; list: boolean };

/** Where an address's proof stands: followed, mailed and waiting, mailed and expired, or never mailed. */
export type AddressState = NamedAddress & {
  state: "confirmed" | "pending" | "expired" | "none";
  /** When it was confirmed, or when the newest link was mailed. */
  at: Date | null;
};

export type AddressProof = { address: string; verifiedAt: Date | null; expiresAt: Date; createdAt: Date };

/**
 * The addresses an application asks to have proved, each once in its normal
 * form, the alias first. A draft keeps what was typed, so a line that is not
 * one address is left out: it cannot be mailed, and submission refuses it.
 */
export function namedAddresses(application: { securityAlias: string; listAddresses: string[] }): NamedAddress[] {
  const named = new Map<string, NamedAddress>();
  const alias = normalizeEmail(application.securityAlias);
  if (alias) named.set(alias, { address: alias, alias: true, list: false });
  for (const item of application.listAddresses) {
    const address = normalizeEmail(item);
    if (!address) continue;
    const known = named.get(address);
    named.set(address, { address, alias: known?.alias ?? false, list: true });
  }
  return [...named.values()];
}

/**
 * Each named address with the state of its proof. One confirmation proves
 * the address for the application whatever role it was mailed in: the
 * alias's link confirms a list address equal to it, and the other way round.
 * A removed address drops out with its role; a new or changed one starts
 * unproved.
 */
export function addressStates(
  application: { securityAlias: string; listAddresses: string[] },
  proofs: AddressProof[],
  now = new Date(),
): AddressState[] {
  return namedAddresses(application).map((named) => {
    const own = proofs.filter((proof) => proof.address === named.address);
    const confirmed = own.find((proof) => proof.verifiedAt);
    if (confirmed?.verifiedAt) return { ...named, state: "confirmed", at: confirmed.verifiedAt };
    const newest = own.reduce<AddressProof | null>(
      (latest, proof) => (!latest || proof.createdAt > latest.createdAt ? proof : latest),
      null,
    );
    if (!newest) return { ...named, state: "none", at: null };
    return { ...named, state: newest.expiresAt > now ? "pending" : "expired", at: newest.createdAt };
  });
}

/** The named addresses that are confirmed: the ones whose domains the portal counts as the applicant's. */
export function confirmedAddresses(application: {
  securityAlias: string;
  listAddresses: string[];
  aliasVerifications: { address: string; verifiedAt: Date | null }[];
}): string[] {
  const confirmed = new Set(
    application.aliasVerifications.filter((proof) => proof.verifiedAt).map((proof) => proof.address),
  );
  return namedAddresses(application)
    .map((named) => named.address)
    .filter((address) => confirmed.has(address));
}

/**
 * True when the application names its alias and at least one list address
 * and every one of them is confirmed through its link; read in the caller's
 * transaction.
 */
export async function everyAddressConfirmed(
  tx: Prisma.TransactionClient,
  applicationId: string,
  application: { securityAlias: string; listAddresses: string[] },
): Promise<boolean> {
  // What gets subscribed is the stored list as it is: each entry must be an
  // address in its normal form, confirmed as such. The database already
  // refuses a submitted entry out of its normal form; should the address
  // rule here grow stricter than the database's, an entry it no longer
  // reads still blocks approval instead of being subscribed unconfirmed.
  const stored = [application.securityAlias, ...application.listAddresses];
  if (stored.some((item) => normalizeEmail(item) !== item)) return false;
  const named = namedAddresses(application);
  if (!named.some((item) => item.alias) || !named.some((item) => item.list)) return false;
  const proved = await tx.aliasVerification.findMany({
    where: { applicationId, address: { in: named.map((item) => item.address) }, verifiedAt: { not: null } },
    distinct: ["address"],
    select: { address: true },
  });
  return proved.length === named.length;
}

/** The vouch that counts: the newest one for the application. */
export function latestVouch(tx: Prisma.TransactionClient, applicationId: string) {
  return tx.vouch.findFirst({ where: { applicationId }, orderBy: { createdAt: "desc" } });
}
