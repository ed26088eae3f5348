import NextAuth from "next-auth";
import { authErrorPage, isClosedAuthEndpoint } from "@/features/auth/email-callback";
import { authOptions } from "@/features/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

const closed = () => Response.json({ error: "Not found." }, { status: 404 });

export async function GET(request: Request, context: Context) {
  const path = (await context.params).nextauth;
  if (isClosedAuthEndpoint(path, "GET")) return closed();
  if (path[0] === "error") return authErrorPage(request);
  return NextAuth(request as never, context as never, authOptions());
}

export async function POST(request: Request, context: Context) {
  if (isClosedAuthEndpoint((await context.params).nextauth, "POST")) return closed();
  return NextAuth(request as never, context as never, authOptions());
}
