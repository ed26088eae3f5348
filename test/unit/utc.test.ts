import { describe, expect, it } from "vitest";
import { utcText } from "@/lib/utc";

describe("utcText", () => {
  const at = new Date("2026-12-07T13:52:32.123Z");
  it("writes each precision in UTC", () => {
    expect(utcText(at, "day")).toBe("2026-12-07");
    expect(utcText(at)).toBe("2026-12-07 13:52 UTC");
    expect(utcText(at, "second")).toBe("2026-12-07 13:52:32 UTC");
    expect(utcText(at.toISOString(), "clock")).toBe("13:52:32 UTC");
  });
});
