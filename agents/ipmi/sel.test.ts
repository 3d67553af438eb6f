import { describe, expect, it } from "vitest";
import { eventText, parseSelRecord, sensorTypeName } from "./sel";
import { DecodeError } from "./errors";

function rec(bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

describe("SEL decoding", () => {
  it("decodes a threshold event (Upper Critical going high), Pre-Init timestamp", () => {
    const r = parseSelRecord(rec([0x01, 0x00, 0x02, 0x50, 0x03, 0x00, 0x00, 0x20, 0x00, 0x04, 0x01, 0x01, 0x01, 0x59, 0x5b, 0x5a]));
    expect(r).toMatchObject({ id: 1, timestamp: null, sensorType: "Temperature", sensorNumber: 1, event: "Upper Critical going high", deasserted: false });
  });
  it("decodes timestamps and deassertions", () => {
    const ts = Date.UTC(2025, 0, 2, 3, 4, 5) / 1000;
    const b = rec([0x05, 0x00, 0x02, ts & 0xff, (ts >> 8) & 0xff, (ts >> 16) & 0xff, ts >>> 24, 0x20, 0x00, 0x04, 0x04, 0x02, 0x81, 0x52, 0x10, 0x14]);
    const r = parseSelRecord(b);
    expect(r.timestamp).toBe("2025-01-02T03:04:05.000Z");
    expect(r.sensorType).toBe("Fan");
    expect(r.event).toBe("Lower Critical going low (Deasserted)");
  });
  it("decodes sensor-specific and generic offsets", () => {
    expect(eventText(0x08, 0x6f, 0x01)).toBe("Failure detected");
    expect(eventText(0x07, 0x6f, 0x00)).toBe("IERR");
    expect(eventText(0x0c, 0x6f, 0x01)).toBe("Uncorrectable ECC");
    expect(eventText(0x10, 0x6f, 0x02)).toBe("Log area reset/cleared");
    expect(eventText(0x05, 0x6f, 0x00)).toBe("General Chassis intrusion");
    expect(eventText(0x14, 0x6f, 0x00)).toBe("Power Button pressed");
    expect(eventText(0x01, 0x07, 0x02)).toBe("Transition to Critical from less severe");
    expect(eventText(0x25, 0x08, 0x01)).toBe("Device Present");
    expect(eventText(0x01, 0x01, 0x00)).toBe("Lower Non-critical going low");
    expect(eventText(0x01, 0x01, 0x0b)).toBe("Upper Non-recoverable going high");
    expect(eventText(0x99, 0x6f, 0x03)).toMatch(/Unknown event/);
  });
  it("names sensor types", () => {
    expect(sensorTypeName(0x02)).toBe("Voltage");
    expect(sensorTypeName(0x08)).toBe("Power Supply");
    expect(sensorTypeName(0x0c)).toBe("Memory");
    expect(sensorTypeName(0xc5)).toMatch(/OEM/);
  });
  it("handles OEM records and short records", () => {
    expect(parseSelRecord(rec([0x02, 0x00, 0xe0, ...new Array(13).fill(0)])).event).toMatch(/OEM/);
    expect(() => parseSelRecord(rec([1, 2, 3]))).toThrow(DecodeError);
  });
});

describe("discrete sensor states", () => {
  it("names asserted states and derives the status from the worst of them", async () => {
    const { assertedStates, discreteStatus } = await import("./sel");
    const psu = assertedStates(0x08, 0x6f, 0b11);
    expect(psu).toEqual([
      { offset: 0, name: "Presence detected" },
      { offset: 1, name: "Failure detected" },
    ]);
    expect(discreteStatus(0x08, 0x6f, psu)).toBe("cr");
    expect(discreteStatus(0x08, 0x6f, assertedStates(0x08, 0x6f, 0b1))).toBe("ok");
    expect(discreteStatus(0x08, 0x6f, assertedStates(0x08, 0x6f, 0b100))).toBe("nc");
    expect(discreteStatus(0x01, 0x07, assertedStates(0x01, 0x07, 1 << 6))).toBe("nr");
    expect(assertedStates(0xc0, 0x70, 1 << 3)).toEqual([{ offset: 3, name: "OEM state 3" }]);
  });
});
