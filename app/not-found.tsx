import Link from "next/link";

export default function NotFound() {
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
