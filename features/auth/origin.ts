/**
 * True when a state-changing request comes from a page of this site. A
 * browser says where a request comes from in Sec-Fetch-Site and Origin; a
 * request with neither (curl, a script) is not a cross-site forgery and
 * passes. Origin "null" (sandboxed or privacy-hidden contexts) does not.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
