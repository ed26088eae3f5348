import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { type PortalConfig, PortalConfigSchema } from "@/features/portal-config/schema";

export class PortalConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid portal configuration ${file}:\n${problems.map((line) => `  ${line}`).join("\n")}`);
    this.name = "PortalConfigError";
  }
}

/** Reads, validates and versions a portal configuration file. Throws PortalConfigError naming each problem. */
export function loadPortalConfig(file: string): PortalConfig {
  const absolute = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(absolute, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new PortalConfigError(absolute, [reason]);
  }
  const parsed = PortalConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PortalConfigError(
      absolute,
      parsed.error.issues.map((issue) => `${z.core.toDotPath(issue.path) || "(top level)"}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  const readPolicy = (name: "embargo" | "contributingBack") => {
    const policyFile = path.resolve(path.dirname(absolute), config.policy[name]);
    try {
      const body = readFileSync(policyFile, "utf8").trim();
      if (!body) problems.push(`policy.${name}: ${policyFile} is empty`);
      return body;
    } catch {
      problems.push(`policy.${name}: ${policyFile} cannot be read`);
      return "";
    }
  };
  const policy = { embargo: readPolicy("embargo"), contributingBack: readPolicy("contributingBack") };
  if (problems.length > 0) throw new PortalConfigError(absolute, problems);

  // An answer's minimum length is a rule of the form, not something an
  // acceptance accepts: setting it must not ask everyone to accept again.
  const accepted = config.criteria.map(({ minAnswerLength: _rule, ...criterion }) => criterion);
  const version = createHash("sha256")
    .update(JSON.stringify({ criteria: accepted, policy }))
    .digest("hex");
  return { ...config, policy, version };
}

let cached: PortalConfig | undefined;

/** The configuration named by PORTAL_CONFIG (default portal.config.json), read once per process. */
export function getPortalConfig(): PortalConfig {
  cached ??= loadPortalConfig(process.env.PORTAL_CONFIG?.trim() || "portal.config.json");
  return cached;
}

/**
 * A fingerprint of everything in a configuration. The pages rendered once at
 * build (`/`, `/policy`) carry the one they were rendered from, so that
 * `npm start` can refuse a configuration other than the build's.
 */
export function configFingerprint(config: PortalConfig): string {
  return createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 32);
}

export const CONFIG_FINGERPRINT_META = "portal-config";

/** The fingerprint of the configuration the build rendered its shared pages from, or null without a build. */
export function builtConfigFingerprint(distDir: string): string | null {
  let html: string;
  try {
    html = readFileSync(path.join(distDir, "server/app/index.html"), "utf8");
  } catch {
    return null;
  }
  return html.match(new RegExp(`<meta name="${CONFIG_FINGERPRINT_META}" content="([0-9a-f]+)"`))?.[1] ?? null;
}
