import { describe, expect, it } from "vitest";
import { safeNext } from "../../app/_lib/next-path";

describe("safeNext (where sign-in goes back to)", () => {
  it("keeps a same-origin path with its query", () => {
    expect(safeNext("/assets/c123?tab=bmc")).toBe("/assets/c123?tab=bmc");
    expect(safeNext(["/places", "/admin"])).toBe("/places");
  });
  it.each([undefined, null, "", "assets", "//evil.example/x", "/\\evil.example", "https://evil.example/", "/login", "/login?next=/x", "/a\nb", "javascript:alert(1)", `/${"x".repeat(3000)}`])("refuses %j", (n) => {
    expect(safeNext(n as string)).toBe("/assets");
  });
});
