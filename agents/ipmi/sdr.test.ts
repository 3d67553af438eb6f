import { describe, expect, it } from "vitest";
import { convertReading, parseSdrRecord, parseSensorReading, sensorUnit, thresholdStatus, unitName, type FullSensorRecord } from "./sdr";
import { DecodeError } from "./errors";

/** Full sensor record as produced by sdrcomp for "CPU Temp" (M=1, degrees C). */
const CPU_TEMP = Buffer.from(
  "0100510133200001030177000101000000003800000100000100000000000000" + "00000000645a500000000000000000c8" + Buffer.from("CPU Temp").toString("hex"),
  "hex",
);

function rec(over: Partial<FullSensorRecord>): FullSensorRecord {
  return { ...(parseSdrRecord(CPU_TEMP) as FullSensorRecord), ...over };
}

describe("SDR parsing", () => {
  it("parses a full sensor record", () => {
    const r = parseSdrRecord(CPU_TEMP) as FullSensorRecord;
    expect(r.kind).toBe("full");
    expect(r.name).toBe("CPU Temp");
    expect(r.number).toBe(1);
    expect(r.sensorType).toBe(1);
    expect(r.eventType).toBe(1);
    expect(r.m).toBe(1);
    expect(r.b).toBe(0);
    expect(r.format).toBe("unsigned");
    expect(sensorUnit(r)).toBe("degrees C");
  });
  it("decodes 10-bit signed M and B and 4-bit signed exponents", () => {
    const b = Buffer.from(CPU_TEMP);
    b[24] = 0xfe; // M low
    b[25] = 0xc0; // M high bits 11 -> -2
    b[26] = 0x05; // B = 5
    b[27] = 0x00;
    b[29] = 0xf1; // Rexp -1, Bexp 1
    b[20] = 0x80; // two's complement
    const r = parseSdrRecord(b) as FullSensorRecord;
    expect(r.m).toBe(-2);
    expect(r.b).toBe(5);
    expect(r.rExp).toBe(-1);
    expect(r.bExp).toBe(1);
    expect(r.format).toBe("2s");
    expect(convertReading(r, 0xf7)).toBeCloseTo(6.8, 6); // the notes' test vector, ipmitool agrees
  });
  it("throws DecodeError for truncated records", () => {
    expect(() => parseSdrRecord(CPU_TEMP.subarray(0, 30))).toThrow(DecodeError);
  });
});

describe("reading conversion", () => {
  it("applies M, B and exponents", () => {
    expect(convertReading(rec({ m: 10, rExp: -2 }), 121)).toBeCloseTo(12.1, 6);
    expect(convertReading(rec({ m: 50 }), 120)).toBe(6000);
    expect(convertReading(rec({ m: 2, b: 3, bExp: 2, rExp: -1 }), 10)).toBeCloseTo(32, 6); // (20 + 300) / 10
  });
  it("handles ones' and two's complement", () => {
    expect(convertReading(rec({ format: "1s" }), 0xfe)).toBe(-1);
    expect(convertReading(rec({ format: "2s" }), 0xfe)).toBe(-2);
    expect(convertReading(rec({ format: "unsigned" }), 0xfe)).toBe(254);
    expect(convertReading(rec({ format: "none" }), 0xfe)).toBeNull();
  });
  it("applies every linearisation", () => {
    const x = 8;
    const cases: [number, number][] = [
      [0, 8], [1, Math.log(8)], [2, Math.log10(8)], [3, 3], [4, Math.exp(8)], [5, 1e8], [6, 256],
      [7, 0.125], [8, 64], [9, 512], [10, Math.sqrt(8)], [11, 2],
    ];
    for (const [lin, want] of cases) expect(convertReading(rec({ linearization: lin }), x)).toBeCloseTo(want, 4);
  });
  it("returns null for non-finite results (1/x of 0)", () => {
    expect(convertReading(rec({ linearization: 7 }), 0)).toBeNull();
  });
});

describe("units", () => {
  it("names units like ipmitool", () => {
    expect(unitName(1)).toBe("degrees C");
    expect(unitName(4)).toBe("Volts");
    expect(unitName(18)).toBe("RPM");
    expect(unitName(6)).toBe("Watts");
    expect(unitName(5)).toBe("Amps");
    expect(unitName(92)).toBe("grams");
    expect(unitName(200)).toBe("unit 200");
  });
  it("combines modifier units and percentage", () => {
    expect(sensorUnit(rec({ baseUnit: 6, modifierMode: 1, modifierUnit: 23 }))).toBe("Watts/minute");
    expect(sensorUnit(rec({ baseUnit: 5, modifierMode: 2, modifierUnit: 22 }))).toBe("Amps*second");
    expect(sensorUnit(rec({ baseUnit: 0, percentage: true }))).toBe("percent");
  });
});

describe("threshold status", () => {
  const st = (flags: number, bits: number) => thresholdStatus(parseSensorReading(Uint8Array.from([50, flags, bits, 0])));
  it("maps like ipmitool", () => {
    expect(st(0xc0, 0x00)).toBe("ok");
    expect(st(0xc0, 0x08)).toBe("nc");
    expect(st(0xc0, 0x01)).toBe("nc");
    expect(st(0xc0, 0x18)).toBe("cr");
    expect(st(0xc0, 0x02)).toBe("cr");
    expect(st(0xc0, 0x38)).toBe("nr");
    expect(st(0xc0, 0x04)).toBe("nr");
  });
  it("is ns when scanning is off or the reading is unavailable", () => {
    expect(st(0x80, 0x00)).toBe("ns");
    expect(st(0xe0, 0x00)).toBe("ns");
  });
  it("rejects a one-byte reading", () => {
    expect(() => parseSensorReading(Uint8Array.from([1]))).toThrow(DecodeError);
  });
});

describe("sensor ID string (IPMI v2.0 §43.15: the length counts characters)", () => {
  const pack6 = (s: string) => {
    const v = [...s].map((c) => c.charCodeAt(0) - 0x20);
    while (v.length % 4) v.push(0);
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 4) out.push((v[i] | (v[i + 1] << 6)) & 0xff, ((v[i + 1] >> 2) | (v[i + 2] << 4)) & 0xff, ((v[i + 2] >> 4) | (v[i + 3] << 2)) & 0xff);
    return out.slice(0, Math.ceil((s.length * 6) / 8));
  };
  const withName = (tl: number, data: number[]) => {
    const body = Buffer.concat([CPU_TEMP.subarray(0, 47), Buffer.from([tl, ...data])]);
    body[4] = body.length - 5;
    return body;
  };

  it("decodes 6-bit packed ASCII whose length byte counts characters", () => {
    const r = parseSdrRecord(withName(0x80 | 9, pack6("PSU1 TEMP"))) as FullSensorRecord;
    expect(r.name).toBe("PSU1 TEMP");
  });

  it("still accepts a BMC that counts the 6-bit bytes instead", () => {
    const data = pack6("PSU1 TEMP"); // 7 bytes
    expect((parseSdrRecord(withName(0x80 | data.length, data)) as FullSensorRecord).name).toBe("PSU1 TEMP");
  });

  it("a name running past its record is a DecodeError on that record", () => {
    expect(() => parseSdrRecord(withName(0x80 | 20, pack6("PSU1")))).toThrow(DecodeError);
    expect(() => parseSdrRecord(withName(0xc0 | 12, [0x41, 0x42]))).toThrow(/12 bytes announced/);
  });
});
