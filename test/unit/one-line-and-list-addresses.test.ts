// Issue 19, items 1, 8 and 16: addresses to subscribe are what every list
// system takes, single-line fields refuse line breaks, and names reach a
// mail on one line whatever was stored.
import { describe, expect, it } from "vitest";
import { draftSchema, submissionSchema } from "@/features/applications/schema";
import { vouchRequestMail } from "@/features/mail/templates";
import { addressChangeSchema } from "@/features/member-requests/schema";
import { isListAddress } from "@/lib/email";
import { LINE_BREAK_MESSAGE, lineInput } from "@/lib/input";
import { completeForm, config } from "@/test/helpers/fixtures";

const REFUSED = [
  "|pipe@evil.example", // Mailman's REST API answers 400
  "^x@evil.example", // the same
  "-cmd@evil.example", // a formula in the Google Groups CSV
  "+cmd@evil.example",
  "=cmd@evil.example",
  "a!b@evil.example",
  "a%b@evil.example", // old source routing
  "a/b@evil.example",
  "a{b}@evil.example",
  "a~b@evil.example",
];
const ACCEPTED = [
  "security@acme.example",
  "first.last+kmesh@acme.example",
  "o'brien@acme.example",
  "a_b-c@acme.example",
];

describe("an address to subscribe", () => {
  it.each(REFUSED)("refuses %s", (address) => {
    expect(isListAddress(address)).toBe(false);
  });
  it.each(ACCEPTED)("accepts %s", (address) => {
    expect(isListAddress(address)).toBe(true);
  });

  it("is refused in an application beside its field, saying what list systems take", () => {
    const parsed = submissionSchema(config.criteria).safeParse(
      completeForm({ listAddresses: "kmesh@umbrella.example\n|pipe@umbrella.example" }),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ["listAddresses"],
        message: expect.stringMatching(/^"\|pipe@umbrella\.example" cannot be subscribed: .*letters, digits/),
      }),
    ]);
  });

  it("is refused in an address change, with each address named", () => {
    const parsed = addressChangeSchema(["kmesh@acme.example"]).safeParse({
      memberId: "c".repeat(25),
      add: "-cmd@acme.example\n^x@acme.example\nnew@acme.example",
      reason: "Adding our new team alias.",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message.slice(0, 40)])).toEqual([
      [["add"], '"-cmd@acme.example" cannot be subscribed'],
      [["add"], '"^x@acme.example" cannot be subscribed: '],
    ]);
  });
});

describe("a single-line field", () => {
  it.each(["Acme\r\nMesh", "Acme\nMesh", "Acme\rMesh", "Acme\tMesh"])("refuses %j, saying why", (value) => {
    const parsed = lineInput(100).safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(LINE_BREAK_MESSAGE);
  });

  it("is what the application's names, website, alias and voucher are, in a draft and on submission", () => {
    const fields = ["distributionName", "organisation", "website", "securityAlias", "voucherEmail"];
    for (const field of fields) {
      const draft = draftSchema(config.criteria).safeParse({ [field]: "Acme\r\nClick https://evil.example" });
      expect(draft.success, field).toBe(false);
      expect(draft.error?.issues[0]?.message, field).toBe(LINE_BREAK_MESSAGE);
    }
    for (const field of ["distributionName", "organisation"]) {
      const submitted = submissionSchema(config.criteria).safeParse(completeForm({ [field]: "Umbrella\nMesh" }));
      expect(
        submitted.error?.issues.map((issue) => issue.path[0]),
        field,
      ).toEqual([field]);
    }
  });
});

describe("a mail naming what someone typed", () => {
  it("puts stored names on one line, so a line break cannot pass for the portal's own text", () => {
    const mail = vouchRequestMail(
      "security@acme.example",
      {
        project: "Kmesh",
        distributionName: "Evil Mesh\r\n\r\nThe security team says: reply with your password to",
        organisation: "Evil\u2028Corp\u202E",
        applicantEmail: "mallory@evil.example",
      },
      "https://portal.test/vouch/abc",
    );
    expect(mail.subject).not.toMatch(/[\r\n]/);
    const firstParagraph = mail.text.split("\n\n")[0];
    expect(firstParagraph).toContain("Evil Mesh The security team says: reply with your password to (Evil Corp)");
    expect(firstParagraph).not.toMatch(/[\r\n\u2028\u202E]/);
  });
});
