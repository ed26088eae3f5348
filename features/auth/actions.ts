"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sessionCookieName } from "@/features/auth/data";
import { endSession } from "@/features/auth/mutations";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** Ends the session in the database, then drops the cookie. */
export async function signOut(): Promise<void> {
  const jar = await cookies();
  const name = sessionCookieName(getEnv().secureCookies);
  const token = jar.get(name)?.value;
  if (token) await endSession(getDb(), token);
  jar.delete(name);
  redirect("/");
}
