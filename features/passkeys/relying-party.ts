// The relying party the portal is to WebAuthn: its RP ID is the host name of
// NEXTAUTH_URL, and a ceremony counts only from that URL's origin. A passkey
// is bound to the RP ID by the authenticator (the hash in authenticatorData),
// so a passkey made for another site never answers for this one.

export type RelyingParty = { rpID: string; origin: string; name: string };

/** The relying party of the portal at `publicUrl` (NEXTAUTH_URL), named `name` in the browser's prompt. */
export function relyingParty(publicUrl: string, name: string): RelyingParty {
  const url = new URL(publicUrl);
  return { rpID: url.hostname, origin: url.origin, name };
}
