import { splitLines } from "@/features/applications/schema";
import type { PortalConfig } from "@/features/portal-config/schema";
import { normalizeDomain, normalizeEmail } from "@/lib/email";

const asTypedOrNormal = (value: string) => normalizeEmail(value) ?? value;

export type StoredApplication = {
  distributionName: string;
  organisation: string;
  website: string;
  orgDomains: string[];
  listAddresses: string[];
  securityAlias: string;
  voucherEmail: string | null;
  answers: {
    criterionKey: string;
    answer: string;
    evidenceUrls: string[];
    accepted: boolean;
    acceptedPolicyVersion: string | null;
  }[];
};

/** The stored application as the form's flat fields; an acceptance of an older policy version is not an acceptance. */
export function toFormValues(
  application: StoredApplication,
  config: Pick<PortalConfig, "criteria" | "version">,
): Record<string, string> {
  const values: Record<string, string> = {
    distributionName: application.distributionName,
    organisation: application.organisation,
    website: application.website,
    orgDomains: application.orgDomains.join("\n"),
    listAddresses: application.listAddresses.join("\n"),
    securityAlias: application.securityAlias,
    voucherEmail: application.voucherEmail ?? "",
  };
  for (const criterion of config.criteria) {
    const answer = application.answers.find((item) => item.criterionKey === criterion.key);
    if (criterion.kind === "evidence") {
      values[`answer:${criterion.key}`] = answer?.answer ?? "";
      values[`evidence:${criterion.key}`] = (answer?.evidenceUrls ?? []).join("\n");
    }
    if (criterion.kind === "acceptance") {
      values[`accept:${criterion.key}`] =
        answer?.accepted && answer.acceptedPolicyVersion === config.version ? "on" : "";
      values[`note:${criterion.key}`] = answer?.answer ?? "";
    }
  }
  return values;
}

/** The draft's flat fields as columns and answer rows, keeping what was typed (lists split into lines). */
export function fromDraftValues(values: Record<string, string | undefined>, config: Pick<PortalConfig, "criteria">) {
  const answers = config.criteria
    .filter((criterion) => criterion.kind === "evidence" || criterion.kind === "acceptance")
    .map((criterion) =>
      criterion.kind === "evidence"
        ? {
            criterionKey: criterion.key,
            answer: values[`answer:${criterion.key}`] ?? "",
            evidenceUrls: (values[`evidence:${criterion.key}`] ?? "").split(/\s+/).filter(Boolean),
          }
        : {
            criterionKey: criterion.key,
            accepted: Boolean(values[`accept:${criterion.key}`]),
            // An acceptance may carry a note (criterion kind "acceptance"), kept in the answer column.
            note: values[`note:${criterion.key}`] ?? "",
          },
    );
  return {
    columns: {
      distributionName: values.distributionName ?? "",
      organisation: values.organisation ?? "",
      website: values.website ?? "",
      // Addresses and domains that are well formed are kept in their normal
      // form, so that duplicates are found while the draft is still open;
      // anything else is kept as typed, for the applicant to correct.
      orgDomains: splitLines(values.orgDomains ?? "").map((item) => normalizeDomain(item) ?? item),
      listAddresses: splitLines(values.listAddresses ?? "").map((item) => normalizeEmail(item) ?? item),
      securityAlias: asTypedOrNormal(values.securityAlias ?? ""),
      voucherEmail: values.voucherEmail ? asTypedOrNormal(values.voucherEmail) : null,
    },
    answers,
  };
}
