import { describe, expect, it } from "vitest";
import dgram from "node:dgram";
import { sweepSensors } from "./sweep";

describe("sweep", () => {
  it("times out silent BMCs within the deadline, reports progress, and honours abort", async () => {
    // a "BMC" that swallows everything
    const sink = dgram.createSocket("udp4");
    await new Promise<void>((r) => sink.bind(0, "127.0.0.1", () => r()));
    const port = sink.address().port;
    const ctl = new AbortController();
    const progress: number[] = [];
    const t0 = Date.now();
    const res = await sweepSensors(
      Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, host: "127.0.0.1", port, username: "u", password: "p" })),
      {
        concurrency: 2,
        timeoutMs: 50,
        retries: 1,
        deadlineMs: 400,
        signal: ctl.signal,
        onProgress: (p) => progress.push(p.done),
        onResult: () => ctl.abort(),
      },
    );
    sink.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(res).toHaveLength(5);
    expect(res.map((r) => r.id)).toEqual(["b0", "b1", "b2", "b3", "b4"]);
    for (const r of res) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe("timeout");
    }
    expect(res.filter((r) => r.attempts === 0).length).toBe(3); // never started after the abort
    expect(progress.at(-1)).toBe(5);
  });
});
