"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sessionCookieName } from "@/features/auth/data";
import { requireUser } from "@/features/auth/guards";
import { signOut } from "@/features/auth/mutations";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** Ends the session in the database, then drops the cookie. */
export async function signOutAction(): Promise<void> {
  const signedIn = await requireUser();
  const jar = await cookies();
  const name = sessionCookieName(getEnv().secureCookies);
  const token = jar.get(name)?.value;
  if (signedIn.ok && token) await signOut(getDb(), token);
  jar.delete(name);
  redirect("/");
}
