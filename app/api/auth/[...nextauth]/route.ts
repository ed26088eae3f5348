import NextAuth from "next-auth";
import { authOptions } from "@/features/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

export async function GET(request: Request, context: Context) {
  return NextAuth(request as never, context as never, authOptions());
}

export async function POST(request: Request, context: Context) {
  const { nextauth } = await context.params;
  // Sign-in links are requested through /signin/link, which validates and rate-limits.
  if (nextauth[0] === "signin" && nextauth[1] === "email") {
    return Response.json({ error: "Request sign-in links at /signin." }, { status: 404 });
  }
  return NextAuth(request as never, context as never, authOptions());
}
