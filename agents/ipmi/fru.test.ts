import { describe, expect, it } from "vitest";
import { decode6bitAscii, decodeTypeLength, parseFru } from "./fru";
import { DecodeError } from "./errors";
import { buildFruImage, encodeFruField } from "../../tests/harness/ipmi-sim";

describe("FRU type/length fields", () => {
  it("decodes 8-bit ASCII", () => {
    expect(decodeTypeLength(Uint8Array.from(encodeFruField("SN-123")), 0).value).toBe("SN-123");
  });
  it("decodes 6-bit packed ASCII (4 characters in 3 bytes, LE bit stream)", () => {
    const f = encodeFruField({ value: "IPMI", encoding: "6bit" });
    expect(f[0]).toBe(0x83);
    expect(decodeTypeLength(Uint8Array.from(f), 0)).toMatchObject({ type: "6bit", value: "IPMI" });
    expect(decodeTypeLength(Uint8Array.from(encodeFruField({ value: "ABC12", encoding: "6bit" })), 0).value).toBe("ABC12");
    expect(decode6bitAscii(Uint8Array.from([0x29, 0xdc, 0xa6]))).toBe("IPMI");
  });
  it("decodes BCD+ (A space, B dash, C period)", () => {
    expect(decodeTypeLength(Uint8Array.from([0x43, 0x12, 0xb3, 0xc4]), 0)).toMatchObject({ type: "bcd", value: "12-3.4" });
    expect(decodeTypeLength(Uint8Array.from(encodeFruField({ value: "2024-07", encoding: "bcd" })), 0).value).toBe("2024-07");
  });
  it("decodes binary as hex", () => {
    expect(decodeTypeLength(Uint8Array.from([0x03, 0xde, 0xad, 0x01]), 0)).toMatchObject({ type: "binary", value: "dead01" });
  });
  it("recognises C1 as end of fields", () => {
    expect(decodeTypeLength(Uint8Array.from([0xc1]), 0).end).toBe(true);
  });
  it("throws DecodeError when a field runs past the end", () => {
    expect(() => decodeTypeLength(Uint8Array.from([0xc5, 0x41]), 0)).toThrow(DecodeError);
  });
});

describe("FRU image", () => {
  const img = buildFruImage({
    chassisSerial: { value: "CH12345", encoding: "6bit" },
    chassisPartNumber: "CP-1",
    boardManufacturer: "Acme",
    boardProductName: "Board X",
    boardSerial: { value: "2024-0001", encoding: "bcd" },
    boardPartNumber: { bytes: [0xca, 0xfe] },
    productManufacturer: "Acme Inc",
    productName: "Server 9000",
    productPartNumber: "P9K",
    productVersion: "A1",
    productSerial: "PSN-42",
    assetTag: "ASSET-7",
    boardMfgMinutes: 15000000,
  });
  it("parses chassis, board and product areas", () => {
    const f = parseFru(img);
    expect(f.chassis).toMatchObject({ type: 0x17, partNumber: "CP-1", serial: "CH12345" });
    expect(f.board).toMatchObject({ manufacturer: "Acme", productName: "Board X", serial: "2024-0001", partNumber: "cafe", mfgDate: "2024-07-08T16:00:00.000Z" });
    expect(f.product).toMatchObject({ manufacturer: "Acme Inc", name: "Server 9000", partNumber: "P9K", version: "A1", serial: "PSN-42", assetTag: "ASSET-7" });
  });
  it("detects header and area checksum errors", () => {
    const bad = Buffer.from(img);
    bad[7] ^= 1;
    expect(() => parseFru(bad)).toThrow(DecodeError);
    const bad2 = Buffer.from(img);
    bad2[img[3] * 8 + 8] ^= 0x20; // inside board area
    expect(() => parseFru(bad2)).toThrow(/checksum/);
  });
  it("throws DecodeError for areas pointing beyond the image", () => {
    const b = Buffer.from(img.subarray(0, 16));
    expect(() => parseFru(b)).toThrow(DecodeError);
  });
});
