import Link from "next/link";
import { connection } from "next/server";
import { SiteFrame } from "@/app/_frame/site-frame";

// Rendered per request, like the refusals it stands for: a copy rendered once
// at build would carry no nonce, so its scripts could not run under the
// page's policy (and would differ from a record page's own not-found). Next
// renders it with the root layout alone, so it brings the frame; its header
// asks the browser's session, so the page is the same bytes for everyone.
// The frame is rendered before the wait, so its parts are sent in the same
// order every time (a refusal must be the same bytes as a missing record's page).
export default function NotFound() {
  return (
    <SiteFrame>
      <NotFoundMessage />
    </SiteFrame>
  );
}

async function NotFoundMessage() {
  await connection();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p>
        There is nothing at this address.{" "}
        <Link href="/" className="underline">
          Back to the start
        </Link>
        .
      </p>
    </div>
  );
}
