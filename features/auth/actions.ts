"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { userAction } from "@/features/auth/action";
import { sessionCookieName } from "@/features/auth/data";
import { signOut } from "@/features/auth/mutations";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** Drops the session cookie, after ending its session in the database when someone is signed in, and goes home. */
async function endSession(signedIn: boolean): Promise<void> {
  const jar = await cookies();
  const name = sessionCookieName(getEnv().secureCookies);
  const token = jar.get(name)?.value;
  if (signedIn && token) await signOut(getDb(), token);
  jar.delete(name);
  redirect("/");
}

/** Ends the session in the database, then drops the cookie; signed out already, it only drops the cookie. */
export const signOutAction = userAction(null, () => endSession(true), { onRefused: () => endSession(false) });
