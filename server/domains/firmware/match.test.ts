/** Drift and lag maths, worked by hand against messy vendor version strings. */
import { describe, expect, it } from "vitest";
import { classify, matchRelease, type TRelease } from "./match";

// a BIOS family written the HPE way, oldest first
const BIOS: TRelease[] = [
  { version: "U46 v1.40 (05/01/2021)", status: "APPROVED" },
  { version: "U46 v1.50 (09/10/2021)", status: "BLOCKED" },
  { version: "U46 v1.52 (11/02/2021)", status: "APPROVED" },
  { version: "U46 v2.10 (01/20/2022)", status: "APPROVED" },
  { version: "U46 v2.20 (06/01/2022)", status: "PENDING" },
];

describe("matchRelease", () => {
  it("EXACT: equal after trimming and folding spaces; never a near miss", () => {
    expect(matchRelease("EXACT", BIOS, "  U46  v1.52 (11/02/2021) ")).toBe(2);
    expect(matchRelease("EXACT", BIOS, "U46 v1.52")).toBe(-1);
  });

  it("PREFIX: the most specific release wins; two equally specific are ambiguous", () => {
    const nic: TRelease[] = [
      { version: "1.4", status: "APPROVED" },
      { version: "1.45", status: "APPROVED" },
    ];
    expect(matchRelease("PREFIX", nic, "1.45.455b66-rev4")).toBe(1);
    expect(matchRelease("PREFIX", nic, "1.41")).toBe(0);
    expect(matchRelease("PREFIX", nic, "2.50")).toBe(-1);
    expect(matchRelease("PREFIX", [...nic, { version: "1.45", status: "PENDING" }], "1.45.1")).toBe(-1);
  });

  it("PATTERN: the engineer's expression, anchored; a release without one matches its own version literally", () => {
    const rom: TRelease[] = [
      { version: "P79 v1.45", status: "APPROVED", pattern: String.raw`P79 v1\.45( \(\d\d/\d\d/\d{4}\))?` },
      { version: "P79 v1.46", status: "APPROVED" },
    ];
    expect(matchRelease("PATTERN", rom, "P79 v1.45 (12/06/2017)")).toBe(0);
    expect(matchRelease("PATTERN", rom, "P79 v1.45")).toBe(0);
    expect(matchRelease("PATTERN", rom, "P79 v1.46")).toBe(1);
    expect(matchRelease("PATTERN", rom, "P79 v1.46 (01/01/2018)")).toBe(-1);
    expect(matchRelease("PATTERN", rom, "xP79 v1.45")).toBe(-1);
  });
});

describe("classify", () => {
  it("counts the approved releases between the running one and the newest approved (blocked and pending ones do not count)", () => {
    // runs v1.40: approved after it are v1.52 and v2.10 → 2 behind
    expect(classify("PREFIX", BIOS, "U46 v1.40 (05/01/2021)")).toEqual({ state: "BEHIND", lag: 2, matched: "U46 v1.40 (05/01/2021)", target: "U46 v2.10 (01/20/2022)" });
    expect(classify("EXACT", BIOS, "U46 v1.52 (11/02/2021)")).toMatchObject({ state: "BEHIND", lag: 1 });
    expect(classify("EXACT", BIOS, "U46 v2.10 (01/20/2022)")).toMatchObject({ state: "COMPLIANT", lag: 0 });
  });

  it("a blocked release is BLOCKED whatever its age; a release newer than the newest approved is AHEAD", () => {
    expect(classify("EXACT", BIOS, "U46 v1.50 (09/10/2021)")).toMatchObject({ state: "BLOCKED", lag: 2 });
    expect(classify("EXACT", BIOS, "U46 v2.20 (06/01/2022)")).toMatchObject({ state: "AHEAD", lag: 0 });
  });

  it("an unmatched version is UNKNOWN (no lag guessed); a component the BMC does not report is MISSING", () => {
    expect(classify("EXACT", BIOS, "U46 v9.99")).toEqual({ state: "UNKNOWN", lag: null, matched: null, target: "U46 v2.10 (01/20/2022)" });
    expect(classify("EXACT", BIOS, null)).toMatchObject({ state: "MISSING", lag: null });
  });

  it("a baseline with nothing approved yet has no target: what runs is AHEAD of it", () => {
    expect(classify("EXACT", [{ version: "1.0", status: "PENDING" }], "1.0")).toEqual({ state: "AHEAD", lag: 0, matched: "1.0", target: null });
  });
});
