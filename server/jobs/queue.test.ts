import { describe, expect, it } from "vitest";
import { z } from "zod";
import { backoffMs, defineJob, nextOccurrence } from "./queue";

const noop = async () => {};

describe("job kinds", () => {
  it("refuses kinds that cannot work", () => {
    expect(() => defineJob({ name: "Bad Name", version: 1, payload: z.object({}), handler: noop })).toThrow(/the name must be lower-case/);
    expect(() => defineJob({ name: "x.y", version: 0, payload: z.object({}), handler: noop })).toThrow(/version/);
    expect(() => defineJob({ name: "x.y", version: 1, payload: z.object({}), maxAttempts: 0, handler: noop })).toThrow(/maxAttempts/);
    expect(() => defineJob({ name: "x.y", version: 1, payload: z.object({}), schedule: { everyMs: 10 }, handler: noop })).toThrow(/at most once a second/);
    expect(() => defineJob({ name: "x.y", version: 1, payload: z.object({}), schedule: { cron: "61 * * * *" }, handler: noop })).toThrow();
    expect(() => defineJob({ name: "x.y", version: 1, payload: z.object({ id: z.string() }), schedule: { everyMs: 60_000 }, handler: noop })).toThrow(/payload \{\}/);
    expect(defineJob({ name: "burnin.deadline", version: 2, payload: z.object({ runId: z.string() }), handler: noop }).name).toBe("burnin.deadline");
  });

  it("backs off exponentially up to the cap", () => {
    const k = defineJob({ name: "x.y", version: 1, payload: z.object({}), backoff: { baseMs: 1000, maxMs: 5000 }, handler: noop });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(k, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    const d = defineJob({ name: "x.z", version: 1, payload: z.object({}), handler: noop });
    expect(backoffMs(d, 1)).toBe(10_000);
    expect(backoffMs(d, 20)).toBe(3_600_000);
  });

  it("computes the next occurrence of a period and of a cron pattern (UTC)", () => {
    const at = new Date("2026-03-01T10:17:30Z");
    expect(nextOccurrence({ everyMs: 90_000 }, at).toISOString()).toBe("2026-03-01T10:19:00.000Z");
    expect(nextOccurrence({ cron: "*/15 * * * *" }, at).toISOString()).toBe("2026-03-01T10:30:00.000Z");
    expect(nextOccurrence({ cron: "0 3 * * *" }, at).toISOString()).toBe("2026-03-02T03:00:00.000Z");
  });
});
