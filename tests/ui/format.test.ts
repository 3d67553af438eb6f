import { describe, expect, it } from "vitest";
import { fmtTime, plural } from "../../app/_components/ui/format";

describe("plural (the words on pages)", () => {
  it("says 1 asset, 2 assets, 0 assets", () => {
    expect(plural(1, "asset")).toBe("1 asset");
    expect(plural(2, "asset")).toBe("2 assets");
    expect(plural(0, "asset")).toBe("0 assets");
    expect(plural(1200, "asset")).toBe("1,200 assets");
  });
  it("takes the plural where an s is wrong", () => {
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(3, "entry", "entries")).toBe("3 entries");
  });
});

describe("fmtTime", () => {
  it("reads the same on server and browser: UTC, written out", () => {
    expect(fmtTime("2026-12-01T02:10:33.000Z")).toBe("2026-12-01 02:10 UTC");
    expect(fmtTime(null)).toBe("—");
  });
});
