import { finishPasskeySignIn } from "@/features/passkeys/sign-in";

// POST /signin/passkey/assertion: the passkey's answer; signs in (features/passkeys/sign-in.ts).
export const POST = (request: Request) => finishPasskeySignIn(request);
