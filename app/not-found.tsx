import Link from "next/link";
import { connection } from "next/server";

// Rendered per request, like the refusals it stands for: a copy rendered once
// at build would carry no nonce, so its scripts could not run under the
// page's policy (and would differ from a record page's own not-found).
export default async function NotFound() {
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
