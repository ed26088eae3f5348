// Runs once when a Next server starts: a bad environment or portal config
// stops it here, naming each problem, instead of failing on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  const { getPortalConfig } = await import("@/features/portal-config/load");
  try {
    getEnv();
    getPortalConfig();
  } catch (error) {
    console.error(`portal: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
