import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import {
  authErrorPage,
  callbackUrlCookieName,
  isClosedAuthEndpoint,
  refuseUnusableCallbackUrl,
} from "@/features/auth/email-callback";
import { authOptions } from "@/features/auth/options";
import { getEnv } from "@/lib/env";
import { routeAnswer } from "@/lib/route-answer";

type Context = { params: Promise<{ nextauth: string[] }> };

const closed = () => routeAnswer(404, { error: "Not found." });
const callbackCookie = (request: NextRequest) =>
  request.cookies.get(callbackUrlCookieName(getEnv().secureCookies))?.value;

export async function GET(request: NextRequest, context: Context) {
  const path = (await context.params).nextauth;
  if (isClosedAuthEndpoint(path, "GET")) return closed();
  if (path[0] === "error") return authErrorPage(request);
  return (
    refuseUnusableCallbackUrl(request, callbackCookie(request)) ??
    NextAuth(request as never, context as never, authOptions())
  );
}

export async function POST(request: NextRequest, context: Context) {
  if (isClosedAuthEndpoint((await context.params).nextauth, "POST")) return closed();
  return (
    refuseUnusableCallbackUrl(request, callbackCookie(request)) ??
    NextAuth(request as never, context as never, authOptions())
  );
}
