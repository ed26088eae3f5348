import { beginPasskeySignIn } from "@/features/passkeys/sign-in";

// POST /signin/passkey/challenge: the challenge to sign in with a passkey alone (features/passkeys/sign-in.ts).
export const POST = (request: Request) => beginPasskeySignIn(request);
