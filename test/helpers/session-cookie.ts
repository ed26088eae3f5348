// A stand-in for next/headers in tests that call server actions and pages
// directly (outside a request): the session cookie is whatever a test puts
// in `session.cookie`. Use: vi.mock("next/headers", () => import("@/test/helpers/session-cookie")).
export const session: { cookie: string | undefined } = { cookie: undefined };

export async function cookies() {
  return {
    get: (name: string) =>
      name === "next-auth.session-token" && session.cookie ? { name, value: session.cookie } : undefined,
    delete: () => {},
  };
}

export async function headers() {
  return new Headers();
}
