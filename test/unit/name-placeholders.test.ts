// Issue 20: the application template's placeholder ("Distributors Application
// for <YOUR DISTRIBUTION HERE>") was accepted as a distribution's name.
import { describe, expect, it } from "vitest";
import { placeholderProblem, submissionSchema } from "@/features/applications/schema";
import { config } from "@/test/helpers/fixtures";

const nameErrors = (distributionName: string, organisation = "Globex") => {
  const parsed = submissionSchema(config.criteria).safeParse({ distributionName, organisation });
  const issues = parsed.success ? [] : parsed.error.issues;
  return {
    distributionName: issues.filter((issue) => issue.path[0] === "distributionName").map((issue) => issue.message),
    organisation: issues.filter((issue) => issue.path[0] === "organisation").map((issue) => issue.message),
  };
};

describe("a template's placeholder as a name", () => {
  it("is refused, saying it is the template's placeholder", () => {
    for (const typed of [
      "<YOUR DISTRIBUTION HERE>",
      "  <your distribution here> ",
      "Acme <DISTRIBUTION>",
      "[Your distribution]",
    ]) {
      expect(nameErrors(typed).distributionName).toEqual([
        expect.stringMatching(/is the template's placeholder: write your distribution's own name/),
      ]);
    }
    for (const typed of ["YOUR DISTRIBUTION HERE", "Distribution name", "TBD"]) {
      expect(nameErrors(typed).distributionName).toEqual([expect.stringMatching(/template's placeholder/)]);
    }
    expect(nameErrors("Distributors Application for <YOUR DISTRIBUTION HERE>").distributionName).toEqual([
      "Give only the distribution's own name, not the template's title",
    ]);
    expect(nameErrors("Globex Mesh", "<YOUR ORGANISATION>").organisation).toEqual([
      expect.stringMatching(/write your organisation's own name/),
    ]);
  });

  it("leaves real names alone, brackets and all", () => {
    for (const name of ["Globex Mesh", "Acme Mesh (LTS)", "Initech [Cloud]", "Kmesh for Your Cloud", "Yourdistro"]) {
      expect(placeholderProblem(name, "distribution")).toBeNull();
      expect(nameErrors(name).distributionName).toEqual([]);
    }
  });

  it("does not scan a value past the length limit, which is refused for its length", () => {
    const started = Date.now();
    expect(placeholderProblem("[your ".repeat(200_000), "distribution")).toBeNull();
    expect(Date.now() - started).toBeLessThan(100);
  });

  it("quotes no more than 60 characters of what was typed", () => {
    const problem = placeholderProblem(`<${"x".repeat(110)}>`, "distribution") ?? "";
    expect(problem).toMatch(/template's placeholder/);
    expect(problem.length).toBeLessThan(130);
  });
});
