import { describe, expect, it } from "vitest";
import { safeNextPath } from "./schema";

describe("safeNextPath (where the login page goes after sign-in)", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeNextPath("/assets")).toBe("/assets");
    expect(safeNextPath("/assets/abc?tab=bmc#power")).toBe("/assets/abc?tab=bmc#power");
    expect(safeNextPath("/places/FRA1%20HALL")).toBe("/places/FRA1%20HALL");
  });

  it("refuses everything that could leave the site", () => {
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/%2Fevil.example",
      "/%2fevil.example",
      "/%5Cevil.example",
      "/%252F%252Fevil.example".replace("%25", "%"), // "/%2F%252F…": decodes to "//%2F…"
      "https://evil.example/assets",
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      " /assets",
      "/\t/evil.example",
      "/\n/evil.example",
      "assets",
      "",
      "/%zz",
      "/" + "a".repeat(5000),
    ]) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBe("/assets");
    }
    expect(safeNextPath(null)).toBe("/assets");
    expect(safeNextPath(undefined, "/")).toBe("/");
  });
});
