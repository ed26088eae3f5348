"use client";

import { ErrorMessage } from "@/app/_frame/error-message";

// An error in a page rendered per request: the message inside the page's frame.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return <ErrorMessage reset={reset} />;
}
