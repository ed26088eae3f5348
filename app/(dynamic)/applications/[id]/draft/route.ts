import { saveApplicationDraftAction } from "@/features/applications/actions";
import { isSameOrigin } from "@/features/auth/origin";
import { failure } from "@/lib/action-result";
import { MAX_REQUEST_BODY_BYTES, readFormBody } from "@/lib/request-body";
import { routeAnswer } from "@/lib/route-answer";

// POST /applications/[id]/draft: the form's last unsaved values, sent with
// navigator.sendBeacon as the page is hidden or goes away (a server action's
// request does not outlive the page). The same action as the background
// save: signed in, the owner's editable draft, the draft schema, the rate limit.
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // proxy.ts refuses cross-site posts first; this holds without it too.
  if (!isSameOrigin(request)) return routeAnswer(403, failure("Cross-site request refused."));
  if (!(request.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    return routeAnswer(415, failure("Send the form's fields."));
  }
  const body = await readFormBody(request, MAX_REQUEST_BODY_BYTES);
  if (!body.ok) return body.response;
  const form = new FormData();
  for (const [name, value] of Object.entries(body.fields)) form.set(name, value);
  form.set("applicationId", (await params).id);
  const result = await saveApplicationDraftAction(form);
  const status = result.ok ? 200 : result.retryAfterSeconds ? 429 : 400;
  return routeAnswer(status, result);
}
