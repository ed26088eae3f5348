/**
 * What /signin says after a sign-in through GitHub or the single sign-on came
 * back refused or failed, by the code in its `?error=`: the linking rule's
 * refusals (features/auth/provider-link.ts) and next-auth's own codes.
 */
export const PROVIDER_SIGN_IN_NOTICES: Record<string, { tone: "error"; message: string }> = {
  ProviderUnverified: {
    tone: "error",
    message:
      "That account did not come with a verified e-mail address, so it cannot sign you in. At GitHub, your primary address must be verified; or sign in with an e-mail link below.",
  },
  ProviderAddressChanged: {
    tone: "error",
    message:
      "That account's verified address is no longer the one it signed in with before, so it cannot sign you in. Sign in with an e-mail link below.",
  },
  ProviderOtherPerson: {
    tone: "error",
    message:
      "This browser is signed in as someone else than the account's verified address. Sign out first, then sign in again.",
  },
  ProviderFailed: {
    tone: "error",
    message: "The sign-in could not be completed. Try again, or use an e-mail link below.",
  },
  OAuthCallback: {
    tone: "error",
    message:
      "The sign-in could not be completed: it expired, was already used, or was started in another browser. Start again below.",
  },
  OAuthSignin: {
    tone: "error",
    message: "The sign-in provider could not be reached. Try again later, or use an e-mail link below.",
  },
  OAuthAccountNotLinked: {
    tone: "error",
    message: "That account belongs to someone else than the person signed in here. Sign out first.",
  },
  AccessDenied: { tone: "error", message: "That account may not sign in here. Use an e-mail link below." },
  Callback: { tone: "error", message: "The sign-in could not be completed. Try again, or use an e-mail link below." },
};
