import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import { RevokeTokenButton } from "@/features/api-tokens/components/revoke-token-button";
import type { ApiTokenRow, ApiTokenStatus } from "@/features/api-tokens/data";

const STATUS: Record<ApiTokenStatus, { label: string; tone: string }> = {
  active: { label: "Active", tone: "bg-emerald-100 text-emerald-900" },
  inactive: { label: "Creator not an owner", tone: "bg-amber-100 text-amber-900" },
  expired: { label: "Expired", tone: "bg-slate-200 text-slate-700" },
  revoked: { label: "Revoked", tone: "bg-slate-200 text-slate-700" },
};

/** Every token, newest first, with a revoke button on those that can still come to work. */
export function ApiTokenTable({ tokens }: { tokens: ApiTokenRow[] }) {
  if (tokens.length === 0) return <p>No tokens yet.</p>;
  return (
    <Table
      label="API tokens"
      minWidthClass="min-w-[44rem]"
      stackOnPhone
      columns={[
        "Token",
        "Created",
        "Expires",
        <span key="used" className="whitespace-nowrap">
          Last used
        </span>,
        "Status",
        <span key="actions" className="sr-only">
          Actions
        </span>,
      ]}
    >
      {tokens.map((token) => (
        <Row key={token.id} data-token={token.prefix}>
          <Cell label="Token" className="break-words">
            <div className="font-semibold sm:min-w-40">{token.name}</div>
            <code className="text-slate-600">{token.prefix}_…</code>
            <div className="text-slate-600">{token.scopes.join(", ")}</div>
          </Cell>
          <Cell label="Created">
            <div>
              <UtcTime value={token.createdAt} precision="day" />
            </div>
            <div className="break-words text-slate-600">{token.createdByEmail}</div>
          </Cell>
          <Cell label="Expires">
            <UtcTime value={token.expiresAt} />
          </Cell>
          <Cell label="Last used">{token.lastUsedAt ? <UtcTime value={token.lastUsedAt} /> : "never"}</Cell>
          <Cell label="Status" className="whitespace-nowrap">
            <span
              data-status={token.status}
              className={`inline-block rounded-full px-3 py-1 text-sm font-semibold ${STATUS[token.status].tone}`}
            >
              {STATUS[token.status].label}
            </span>
            {token.revokedAt ? (
              <div className="text-slate-600">
                on <UtcTime value={token.revokedAt} precision="day" />
              </div>
            ) : null}
          </Cell>
          <Cell>
            {token.status === "active" || token.status === "inactive" ? (
              <RevokeTokenButton tokenId={token.id} name={token.name} />
            ) : null}
          </Cell>
        </Row>
      ))}
    </Table>
  );
}
