import { spawnSync } from "node:child_process";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPortal } from "@/test/helpers/portal-server";
import { startMailCatcher } from "@/test/helpers/smtp";

declare module "vitest" {
  export interface ProvidedContext {
    portalUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== "1") {
    const build = spawnSync("npm", ["run", "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) throw new Error("npm run build failed");
  }
  const mail = await startMailCatcher();
  const portal = await startPortal({
    SMTP_URL: mail.url,
    MAIL_FROM: "Kmesh distributors portal <portal@kmesh.example>",
  });
  project.provide("portalUrl", portal.baseUrl);
  return async () => {
    await portal.stop();
    await mail.stop();
  };
}
