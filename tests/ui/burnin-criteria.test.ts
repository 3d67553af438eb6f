/** The burn-in profile editor's pass-criteria text ("figure min..max" per line) in both directions. */
import { describe, expect, it } from "vitest";
import { criteriaText, parseCriteria } from "../../app/_components/burnin/profile-form";

describe("in-band pass criteria as text", () => {
  it("reads min, max and both, and writes back what it read", () => {
    const r = parseCriteria("bogo_ops 1000..\n\n  MiB_s 500..2000 \nlatency_ms ..-0.5\n");
    expect(r).toEqual({ ok: true, value: { bogo_ops: { min: 1000 }, MiB_s: { min: 500, max: 2000 }, latency_ms: { max: -0.5 } } });
    if (!r.ok) throw new Error("unreachable");
    expect(parseCriteria(criteriaText(r.value))).toEqual(r);
    expect(parseCriteria("")).toEqual({ ok: true, value: {} });
  });

  it("names the line and shows the form when a line is not understood", () => {
    expect(parseCriteria("bogo_ops 1000..\nMiB_s >= 500")).toEqual({ ok: false, message: 'Criteria line 2 ("MiB_s >= 500"): write "figure min..max", e.g. "bogo_ops 1000.." or "MiB_s 500..2000".' });
    expect(parseCriteria("bogo_ops ..").ok).toBe(false);
    expect(parseCriteria("1000..2000").ok).toBe(false);
  });
});
