// A browser for sign-ins through a provider: a cookie jar per host, and
// redirects followed one by one. The provider (a loopback server the test
// runs) is reached over HTTP; the portal's next-auth endpoints are the real
// route handler (app/api/auth/[...nextauth]/route.ts) with the real options,
// adapter and database, called in this process with a Request, the way Next
// calls it. next/headers, which next-auth and the options read, answers from
// the request being handled (install it with `useRequestHeaders()` before
// the route is imported).
import { createRequire } from "node:module";

type Current = { cookies: Map<string, string>; headers: Headers };
export const currentRequest: Current = { cookies: new Map(), headers: new Headers() };

export const fakeNextHeaders = {
  cookies: async () => ({
    get: (name: string) => {
      const value = currentRequest.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    getAll: () => [...currentRequest.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => currentRequest.cookies.has(name),
    delete: () => {},
  }),
  headers: async () => currentRequest.headers,
};

/**
 * next-auth's route handler `require`s next/headers itself (outside vite's
 * module graph), so the stand-in goes into Node's module cache as well.
 */
export function useRequestHeaders() {
  const require = createRequire(import.meta.url);
  const nextAuthDir = require.resolve("next-auth/next");
  const headersPath = require.resolve("next/headers", { paths: [nextAuthDir] });
  require.cache[headersPath] = {
    id: headersPath,
    filename: headersPath,
    loaded: true,
    exports: fakeNextHeaders,
  } as unknown as NodeJS.Module;
}

type RouteHandler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;
export type PortalRoutes = { baseUrl: string; GET: RouteHandler; POST: RouteHandler };

export type Step = { url: string; status: number; location: string | null; setCookies: string[] };

export class AuthBrowser {
  readonly jars = new Map<string, Map<string, string>>();
  readonly steps: Step[] = [];

  constructor(private readonly portal: PortalRoutes) {}

  jar(url: string | URL): Map<string, string> {
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    return jar;
  }

  portalCookie(name: string): string | undefined {
    return this.jar(this.portal.baseUrl).get(name);
  }

  /** One request, no redirect followed; cookies sent and kept. */
  async request(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const jar = this.jar(url);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const headers = new Headers({ ...(cookie ? { cookie } : {}) });
    if (init.body) headers.set("content-type", "application/x-www-form-urlencoded");
    let response: Response;
    if (url.startsWith(`${this.portal.baseUrl}/api/auth/`)) {
      const target = new URL(url);
      headers.set("host", target.host);
      const { NextRequest } = await import("next/server");
      const request = new NextRequest(target, { method: init.method ?? "GET", headers, body: init.body });
      // Next hands route handlers the cookies' values decoded.
      currentRequest.cookies = new Map([...jar].map(([name, value]) => [name, decodeCookie(value)]));
      currentRequest.headers = headers;
      const nextauth = target.pathname.slice("/api/auth/".length).split("/").map(decodeURIComponent);
      const handler = (init.method ?? "GET") === "POST" ? this.portal.POST : this.portal.GET;
      response = await handler(request, { params: Promise.resolve({ nextauth }) });
    } else {
      response = await fetch(url, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
    }
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
      const expired = /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line);
      if (value === "" || expired) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get("location");
    this.steps.push({ url, status: response.status, location, setCookies });
    return response;
  }

  /**
   * Follows redirects from `url` until one leaves the provider and the
   * portal's /api/auth, or until `stopAt` says to stop before a URL.
   */
  async follow(url: string, stopAt?: (next: string) => boolean): Promise<{ url: string; response: Response | null }> {
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      if (stopAt?.(current)) return { url: current, response: null };
      const portalPage = current.startsWith(this.portal.baseUrl) && !current.startsWith(`${this.portal.baseUrl}/api/`);
      if (portalPage) return { url: current, response: null };
      const response = await this.request(current);
      const location = response.headers.get("location");
      if (!location || response.status < 300 || response.status >= 400) return { url: current, response };
      current = new URL(location, current).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** What next-auth/react's signIn(provider, { callbackUrl }) does: the CSRF token, then the POST. */
  async startSignIn(provider: string, callbackUrl: string): Promise<string> {
    const csrf = (await (await this.request(`${this.portal.baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
    const response = await this.request(`${this.portal.baseUrl}/api/auth/signin/${provider}`, {
      method: "POST",
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl, json: "true" }),
    });
    const answer = (await response.json()) as { url?: string };
    if (!answer.url) throw new Error(`no URL from the sign-in POST: ${response.status} ${JSON.stringify(answer)}`);
    const url = answer.url;
    return url;
  }

  /** The whole sign-in: start, the provider's pages, back to the portal; where it ended. */
  async signIn(provider: string, callbackUrl: string, stopAt?: (next: string) => boolean) {
    const start = await this.startSignIn(provider, callbackUrl);
    return this.follow(start, stopAt);
  }
}

export function sessionCookieOf(browser: AuthBrowser): string | undefined {
  return browser.portalCookie("next-auth.session-token");
}

function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
