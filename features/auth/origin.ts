/**
 * True when a state-changing request comes from a page of this site. Browsers
 * say where a request comes from in Sec-Fetch-Site, which no page can set;
 * when it is there it decides. Otherwise the Origin header must name this
 * host ("null", sent from sandboxed or privacy-hidden contexts, does not). A
 * request with neither (curl, a script) is not a cross-site forgery and passes.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
