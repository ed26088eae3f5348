import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, SHARED_PAGES } from "./lib/content-security-policy";
import { MAX_REQUEST_BODY_BYTES } from "./lib/request-body";

// `next dev` sets "development"; a build is production whatever else NODE_ENV says (vitest sets "test").
const development = process.env.NODE_ENV === "development";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Browsers heed this over https only; a production portal is served over https.
  ...(development ? [] : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  images: { unoptimized: true },
  serverExternalPackages: ["pg", "pg-copy-streams", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  // The development server sits behind the front door on "localhost"
  // (scripts/portal.ts); browsers reach it on the loopback address too.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  experimental: {
    serverActions: { bodySizeLimit: MAX_REQUEST_BODY_BYTES },
    // proxy.ts sees every request body; it never needs more than the portal accepts.
    proxyClientMaxBodySize: MAX_REQUEST_BODY_BYTES,
  },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // Pages get their policy from proxy.ts: a per-request nonce, or for the pages rendered once
      // the hashes of their scripts; under `next dev`, which renders those per request without a nonce, this one.
      ...(development ? [...SHARED_PAGES.keys()] : []).map((source) => ({
        source,
        headers: [{ key: "Content-Security-Policy", value: contentSecurityPolicy({ development }) }],
      })),
      // The icon is a route, not a page: proxy.ts does not see it.
      ...["/api/:path*", "/icon.svg"].map((source) => ({
        source,
        headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }],
      })),
    ];
  },
};

export default nextConfig;
