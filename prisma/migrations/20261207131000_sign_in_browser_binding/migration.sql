-- A sign-in link belongs to the browser that asked for it (issue 19, item
-- 15): that browser holds a random nonce in a cookie, the token row its
-- SHA-256. A link opened anywhere else asks for the address to be typed.
-- Nullable: links made before this change (10 minutes at most) have none,
-- and are treated as opened in another browser.
ALTER TABLE "VerificationToken" ADD COLUMN "browserBinding" TEXT;
