import { describe, expect, it } from "vitest";
import { decodeEpc, encodeGiai96, encodeSgtin96, gs1CheckDigit, normaliseEpc } from "./epc";

/** Lays the fields out as a bit string (value, width), the way the TDS tables draw them, and returns 24 hex digits. */
function byHand(fields: [number | bigint, number][]): string {
  const bitString = fields.map(([v, w]) => BigInt(v).toString(2).padStart(w, "0")).join("");
  expect(bitString).toHaveLength(96);
  let hex = "";
  for (let i = 0; i < 96; i += 4) hex += parseInt(bitString.slice(i, i + 4), 2).toString(16).toUpperCase();
  return hex;
}

describe("GS1 check digit", () => {
  it("matches the worked GTIN of the standard", () => {
    // 8 0614141 12345 ?: 5·3+4+3·3+2+1·3+1+4·3+1+4·3+1+6·3+0+8·3 = 102 → 8
    expect(gs1CheckDigit("8061414112345")).toBe(8);
    expect(gs1CheckDigit("0061414112345")).toBe(2);
  });
});

describe("SGTIN-96", () => {
  // TDS example: urn:epc:tag:sgtin-96:3.0614141.812345.6789; partition 5 = 24-bit prefix (7 digits), 20-bit item reference
  const hand = byHand([[0x30, 8], [3, 3], [5, 3], [614141, 24], [812345, 20], [6789, 38]]);

  it("the hand layout is the standard's published hex", () => {
    expect(hand).toBe("3074257BF7194E4000001A85");
  });

  it("decodes the vector to prefix, item reference, GTIN-14 and serial", () => {
    expect(decodeEpc(hand)).toEqual({
      epc: hand,
      scheme: "sgtin-96",
      filter: 3,
      companyPrefix: "0614141",
      itemReference: "812345",
      gtin: "80614141123458",
      serial: "6789",
      uri: "urn:epc:id:sgtin:0614141.812345.6789",
    });
  });

  it("encodes back to the same bits", () => {
    expect(encodeSgtin96({ gtin: "80614141123458", companyPrefixLength: 7, serial: 6789, filter: 3 })).toBe(hand);
  });

  it("handles the 12-digit and 6-digit prefix partitions and the largest serial", () => {
    const p0 = byHand([[0x30, 8], [1, 3], [0, 3], [123456789012n, 40], [5, 4], [2n ** 38n - 1n, 38]]);
    const d0 = decodeEpc(p0);
    expect(d0.companyPrefix).toBe("123456789012");
    expect(d0.itemReference).toBe("5");
    expect(d0.gtin).toBe(`5123456789012${gs1CheckDigit("5123456789012")}`);
    expect(d0.serial).toBe(String(2n ** 38n - 1n));
    expect(encodeSgtin96({ gtin: d0.gtin!, companyPrefixLength: 12, serial: d0.serial!, filter: 1 })).toBe(p0);
    const p6 = byHand([[0x30, 8], [0, 3], [6, 3], [12345, 20], [1234567, 24], [0, 38]]);
    expect(decodeEpc(p6)).toMatchObject({ companyPrefix: "012345", itemReference: "1234567", gtin: `1012345234567${gs1CheckDigit("1012345234567")}`, serial: "0" });
  });

  it("refuses an undefined partition and a wrong GTIN check digit", () => {
    expect(decodeEpc(byHand([[0x30, 8], [0, 3], [7, 3], [0, 44], [0, 38]]))).toMatchObject({ scheme: "unknown", error: expect.stringMatching(/partition 7/) });
    expect(() => encodeSgtin96({ gtin: "80614141123459", companyPrefixLength: 7, serial: 1 })).toThrow(/check digit/);
  });
});

describe("GIAI-96", () => {
  it("decodes and encodes a 7-digit prefix asset reference laid out by hand", () => {
    // partition 5: 24-bit prefix, 58-bit asset reference
    const hand = byHand([[0x34, 8], [0, 3], [5, 3], [614141, 24], [5678, 58]]);
    expect(hand.slice(0, 2)).toBe("34");
    expect(decodeEpc(hand)).toEqual({ epc: hand, scheme: "giai-96", filter: 0, companyPrefix: "0614141", assetRef: "5678", uri: "urn:epc:id:giai:0614141.5678" });
    expect(encodeGiai96({ companyPrefix: "0614141", assetRef: "5678" })).toBe(hand);
  });

  it("uses partition 0 for a 12-digit prefix with a 42-bit reference", () => {
    const hand = byHand([[0x34, 8], [3, 3], [0, 3], [999999999999n, 40], [4398046511103n, 42]]);
    expect(decodeEpc(hand)).toMatchObject({ scheme: "giai-96", filter: 3, companyPrefix: "999999999999", assetRef: "4398046511103" });
    expect(encodeGiai96({ companyPrefix: "999999999999", assetRef: "4398046511103", filter: 3 })).toBe(hand);
  });

  it("refuses references with leading zeros, letters or too many digits", () => {
    expect(() => encodeGiai96({ companyPrefix: "0614141", assetRef: "0123" })).toThrow(/leading zeros/);
    expect(() => encodeGiai96({ companyPrefix: "0614141", assetRef: "IL-1" })).toThrow();
    expect(() => encodeGiai96({ companyPrefix: "0614141", assetRef: "1".repeat(19) })).toThrow(/18 digits/);
  });
});

describe("normaliseEpc", () => {
  it("accepts hex with separators and the base64 Impinj sends", () => {
    expect(normaliseEpc("30 74 25 7b f7 19 4e 40 00 00 1a 85")).toBe("3074257BF7194E4000001A85");
    expect(normaliseEpc(Buffer.from("3074257BF7194E4000001A85", "hex").toString("base64"))).toBe("3074257BF7194E4000001A85");
    expect(normaliseEpc("hello")).toBeNull();
    expect(decodeEpc("E280116060000204AB1C2D3E")).toMatchObject({ scheme: "unknown" });
  });
});
