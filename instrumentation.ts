// Runs once when a Next server starts. The Node-only work lives in its own
// module so that the edge bundle never sees it.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startNodeServer } = await import("./instrumentation-node");
    await startNodeServer();
  }
}

// A request that failed for want of the database: the front door answers it
// 503 with Retry-After instead of 500 (lib/database-failure.ts).
export async function onRequestError(
  error: unknown,
  request: { headers: Record<string, string | string[] | undefined> },
) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { reportDatabaseFailure } = await import("@/lib/database-failure");
  reportDatabaseFailure(error, request.headers);
}
