// How long each mailed link works; the mails say so, in these words.

export const SIGN_IN_LINK_MINUTES = 10;
export const ALIAS_LINK_DAYS = 7;
export const VOUCH_LINK_DAYS = 14;

export const MINUTE_MS = 60 * 1000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
/** A re-attestation link works this long; a reminder goes out halfway. */
export const ATTESTATION_DAYS = 30;
export const ATTESTATION_REMINDER_DAYS = 14;

/** A session lasts this long (next-auth's, a passkey's and an advisory link's alike). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;
