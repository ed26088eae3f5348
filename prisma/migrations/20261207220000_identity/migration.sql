-- Issue 23: passkeys (WebAuthn) as the team's second factor, and the GitHub
-- login of a person who signed in with GitHub.
--
-- Passkey: a person's WebAuthn credential. "credentialId" is the
--   credential's id in base64url; "publicKey" its COSE public key; "counter"
--   the last signature counter seen (a clone answers with a stale one).
-- WebAuthnChallenge: a challenge the portal issued, single-use (deleted when
--   used) and short-lived, kept in the database so that any instance can
--   check it. "userId" is set for a registration or a second-factor step,
--   null for a sign-in with a passkey alone.
-- Session."passkeyAt": when this session's holder proved a passkey (signed in
--   with one, or took the passkey step after an e-mail link or a provider).
--   Where the portal requires it, a team member's role counts only then.
-- User."githubLogin": the GitHub login seen at the person's last GitHub sign-in.
-- The setting "team.passkeys-required" is on when absent (a new deployment);
-- a deployment that already has a team keeps working as before until an
-- owner turns it on.

-- AlterTable
ALTER TABLE "Session" ADD COLUMN "passkeyAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "User" ADD COLUMN "githubLogin" TEXT;

-- CreateTable
CREATE TABLE "Passkey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "publicKey" BYTEA NOT NULL,
    "counter" BIGINT NOT NULL,
    "transports" TEXT[],
    "deviceType" TEXT NOT NULL,
    "backedUp" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "Passkey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebAuthnChallenge" (
    "id" TEXT NOT NULL,
    "challenge" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "userId" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebAuthnChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Passkey_credentialId_key" ON "Passkey"("credentialId");

-- CreateIndex
CREATE INDEX "Passkey_userId_idx" ON "Passkey"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "WebAuthnChallenge_challenge_key" ON "WebAuthnChallenge"("challenge");

-- CreateIndex
CREATE INDEX "WebAuthnChallenge_expiresAt_idx" ON "WebAuthnChallenge"("expiresAt");

-- AddForeignKey
ALTER TABLE "Passkey" ADD CONSTRAINT "Passkey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebAuthnChallenge" ADD CONSTRAINT "WebAuthnChallenge_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A deployment with a team already keeps e-mail-only sign-in for it until an owner requires passkeys.
INSERT INTO "Setting" ("key", "value", "updatedAt")
SELECT 'team.passkeys-required', 'false'::jsonb, CURRENT_TIMESTAMP
 WHERE EXISTS (SELECT 1 FROM "TeamMember")
ON CONFLICT ("key") DO NOTHING;
