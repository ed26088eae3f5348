// Found by fuzzing the schemas (test/security/fuzz-schemas.test.ts): values a
// form can carry were refused with zod's stock English ("Too big: expected
// string to have <=2000 characters", "Invalid option: expected one of …")
// instead of words of the portal's own, a repeated URL parameter made the
// search say "Invalid input: expected string, received array", and an
// embargo breach's link took control characters.
import { describe, expect, it } from "vitest";
import { draftSchema, submissionSchema } from "@/features/applications/schema";
import { ExtendAttestationSchema } from "@/features/attestations/schema";
import { MailmanSyncSchema } from "@/features/exports/schema";
import { addressChangeSchema } from "@/features/member-requests/schema";
import { EmbargoBreachSchema, parseMemberFilter } from "@/features/members/schema";
import { parseQueueFilter } from "@/features/reviews/schema";
import { CONTROL_CHARACTER_MESSAGE, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";
import { config } from "@/test/helpers/fixtures";

const ID = "cm0000000000000000000000x";

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
}

describe("the schemas' messages, for values a form can carry", () => {
  it("says how long a list may be", () => {
    const result = submissionSchema(config.criteria).safeParse({ listAddresses: "a".repeat(3000) });
    expect(messages(result).listAddresses).toBe("Keep this under 2,000 characters");
  });

  it("asks to reload the page when a checkbox or a field the page fills holds something else", () => {
    const accept = config.criteria.find((criterion) => criterion.kind === "acceptance")?.key;
    expect(messages(draftSchema(config.criteria).safeParse({ [`accept:${accept}`]: "yes" }))[`accept:${accept}`]).toBe(
      UNEXPECTED_CHOICE_MESSAGE,
    );
    expect(messages(MailmanSyncSchema.safeParse({ prune: "yes" })).prune).toBe(UNEXPECTED_CHOICE_MESSAGE);
    expect(messages(ExtendAttestationSchema.safeParse({ attestationId: ID, days: "30", from: "x" })).from).toBe(
      UNEXPECTED_CHOICE_MESSAGE,
    );
    const change = addressChangeSchema(["list@member.example"]).safeParse({
      memberId: ID,
      reason: "A reason long enough.",
      "remove:list@member.example": "yes",
    });
    expect(messages(change)["remove:list@member.example"]).toBe(UNEXPECTED_CHOICE_MESSAGE);
  });

  it("asks for whole days", () => {
    const result = ExtendAttestationSchema.safeParse({ attestationId: ID, days: "7.5" });
    expect(messages(result).days).toBe("Give a whole number of days");
  });

  it("refuses control characters in an embargo breach's link, which a web address can carry", () => {
    const result = EmbargoBreachSchema.safeParse({
      memberId: ID,
      occurredOn: "2026-01-01",
      description: "Told the press early.",
      link: "https://news.example/\u202Eftp.exe",
    });
    expect(messages(result).link).toBe(CONTROL_CHARACTER_MESSAGE);
  });

  it("reads a repeated search parameter once, as the audit log's filter does", () => {
    expect(parseMemberFilter({ q: ["acme", "other"] })).toEqual({ filter: { q: "acme", page: 1 } });
    expect(parseQueueFilter({ q: ["acme", "other"] })).toEqual({ filter: { q: "acme", page: 1 } });
  });
});
