/**
 * The rules of a burn-in profile applied to what a run has gathered: pure
 * functions over samples (by their own timestamps, so readings journaled by an
 * agent during a server outage and delivered late count like the others), SEL
 * entries, in-band results and power cycles. The earliest broken rule is the
 * run's failure.
 *
 * Samples are packed: one row per asset and reading time, the sensor values as
 * Float32 little-endian in the run's sensor index order (NaN = no reading).
 */
import type { TFailure, TInbandStage, TProfileSpec, TSelRule, TSensorMeta, TSensorRule, TSensorType } from "./schema";

// ---------------------------------------------------------------- packing

export function packValues(values: readonly (number | null)[]): Uint8Array<ArrayBuffer> {
  const buf = new Uint8Array(new ArrayBuffer(values.length * 4));
  const view = new DataView(buf.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v === null || !Number.isFinite(v) ? NaN : v, true));
  return buf;
}

export function unpackValues(bytes: Uint8Array): (number | null)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (number | null)[] = [];
  for (let i = 0; i + 4 <= bytes.byteLength; i += 4) {
    const v = view.getFloat32(i, true);
    out.push(Number.isNaN(v) ? null : Math.round(v * 1000) / 1000);
  }
  return out;
}

/** What kind of sensor a reading is, from its unit (and its name when the unit says nothing). */
export function sensorType(name: string, unit: string): TSensorType {
  const u = unit.toLowerCase();
  if (u.startsWith("degrees")) return "temperature";
  if (u === "rpm") return "fan";
  if (u === "volts") return "voltage";
  if (u === "amps") return "current";
  if (u === "watts") return "power";
  if (/temp/i.test(name)) return "temperature";
  if (/fan/i.test(name)) return "fan";
  return "other";
}

export function ruleMatches(rule: TSensorRule, s: TSensorMeta): boolean {
  if (rule.match.type && rule.match.type !== s.type) return false;
  if (rule.match.name && !s.name.toLowerCase().includes(rule.match.name.toLowerCase())) return false;
  return true;
}

/** The first SEL rule an entry matches, or null. */
export function selRuleFor(rules: readonly TSelRule[], sensorTypeText: string, event: string): TSelRule | null {
  const st = sensorTypeText.toLowerCase();
  const ev = event.toLowerCase();
  for (const r of rules) {
    if (r.sensorType && !st.includes(r.sensorType.toLowerCase())) continue;
    if (!ev.includes(r.event.toLowerCase())) continue;
    // "Correctable ECC" must not catch "Uncorrectable ECC"
    if (r.event.toLowerCase().startsWith("correctable") && ev.includes("uncorrectable")) continue;
    return r;
  }
  return null;
}

// ---------------------------------------------------------------- judging

export interface TJudgeSample {
  at: number;
  power: number;
  values: readonly (number | null)[];
}
export interface TJudgeEvent {
  at: number;
  selId: number;
  sensorType: string;
  event: string;
  severity: string;
}
export interface TJudgeResult {
  stage: string;
  passed: boolean;
  figures: Record<string, number>;
  finishedAt: number;
}
export interface TJudgeCycle {
  atSec: number;
  commandId: string;
  status: string;
  /** the power state the BMC reported right after the action (a cycle may still read "off" then) */
  power: string | null;
  /** when the agent carried it out (ms) */
  doneAt?: number;
}
export interface TJudgeInput {
  spec: TProfileSpec;
  startedAt: number;
  endsAt: number;
  sensors: readonly TSensorMeta[];
  /** sorted by at */
  samples: readonly TJudgeSample[];
  events: readonly TJudgeEvent[];
  results: readonly TJudgeResult[];
  cycles: readonly TJudgeCycle[];
  /** the deadline has passed (with its grace): gaps up to the end, missing stages and unfinished cycles count */
  final: boolean;
  /** the run watches a BMC (an asset without one is judged on its in-band results only) */
  watched?: boolean;
  /** the judge's clock: a BMC whose latest reading failed counts as silent until now */
  now?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

function sensorFailures(input: TJudgeInput): TFailure[] {
  const out: TFailure[] = [];
  for (const rule of input.spec.sensorRules) {
    input.sensors.forEach((s, i) => {
      if (!ruleMatches(rule, s)) return;
      let since: number | null = null;
      for (const smp of input.samples) {
        if (smp.at < input.startedAt || smp.at > input.endsAt) continue;
        const v = smp.values[i] ?? null;
        if (v === null) continue;
        const broken = (rule.above !== undefined && v > rule.above) || (rule.below !== undefined && v < rule.below);
        if (!broken) {
          since = null;
          continue;
        }
        since ??= smp.at;
        if (smp.at - since >= rule.forSec * 1000) {
          const limit = rule.above !== undefined && v > rule.above ? rule.above : rule.below!;
          const dir = limit === rule.above ? "above" : "below";
          out.push({
            rule: rule.id,
            kind: "sensor",
            at: iso(smp.at),
            sensor: s.name,
            value: v,
            limit,
            message: `${s.name} read ${v} ${s.unit}, ${dir} the limit of ${limit}${rule.forSec ? ` for ${fmtDuration(smp.at - since)} (the rule allows ${fmtDuration(rule.forSec * 1000)})` : ""}.`,
          });
          return;
        }
      }
    });
  }
  return out;
}

function selFailures(input: TJudgeInput): TFailure[] {
  const out: TFailure[] = [];
  const counts = new Map<string, number>();
  const events = [...input.events].sort((a, b) => a.at - b.at);
  for (const e of events) {
    if (e.severity === "baseline") continue;
    const rule = selRuleFor(input.spec.selRules, e.sensorType, e.event);
    if (!rule) continue;
    if (rule.action === "fail") {
      out.push({ rule: rule.id, kind: "sel", at: iso(e.at), message: `The BMC logged "${e.event}" (${e.sensorType}, SEL record ${e.selId}).` });
      break;
    }
    const n = (counts.get(rule.id) ?? 0) + 1;
    counts.set(rule.id, n);
    if (n === rule.threshold) out.push({ rule: rule.id, kind: "sel", at: iso(e.at), message: `The BMC logged "${rule.event}" ${n} times (the limit is ${rule.threshold}).` });
  }
  return out;
}

function silenceFailure(input: TJudgeInput): TFailure | null {
  const max = input.spec.maxSilenceSec * 1000;
  let lastGood = input.startedAt;
  const fail = (at: number, what: string): TFailure => ({ rule: "bmc.silence", kind: "silence", at: iso(at), message: `The BMC ${what} for more than ${fmtDuration(max)} (last good reading ${iso(lastGood)}).` });
  for (const s of input.samples) {
    if (s.at < input.startedAt || s.at > input.endsAt) continue;
    if (s.at - lastGood > max) return fail(lastGood + max, s.power < 0 ? "did not answer" : "sent no readings");
    if (s.power >= 0) lastGood = s.at;
  }
  if (input.final && input.endsAt - lastGood > max) return fail(lastGood + max, "did not answer");
  // still failing when last heard of (the agent backs off from a dead BMC, so readings get sparse)
  const last = input.samples.filter((s) => s.at >= input.startedAt && s.at <= input.endsAt).at(-1);
  if (!input.final && last && last.power < 0 && input.now !== undefined && Math.min(input.now, input.endsAt) - lastGood > max) return fail(lastGood + max, "did not answer");
  return null;
}

function inbandFailures(input: TJudgeInput): TFailure[] {
  const out: TFailure[] = [];
  for (const r of input.results) {
    const expected = input.spec.inband.find((s) => s.stage === r.stage);
    const why = r.passed ? criteriaProblem(expected, r.figures) : "the tool reported a failure";
    if (why) out.push({ rule: `inband.${r.stage}`, kind: "inband", at: iso(r.finishedAt), message: `In-band stage ${r.stage} failed: ${why}.` });
  }
  if (input.final) {
    for (const s of input.spec.inband) {
      if (!input.results.some((r) => r.stage === s.stage)) out.push({ rule: `inband.${s.stage}`, kind: "inband", at: iso(input.endsAt), message: `The in-band stage ${s.stage} (${s.tool}) was expected but never reported.` });
    }
  }
  return out;
}

export function criteriaProblem(stage: TInbandStage | undefined, figures: Record<string, number>): string | null {
  if (!stage) return null;
  for (const [name, c] of Object.entries(stage.criteria)) {
    const v = figures[name];
    if (v === undefined) return `the figure ${name} is missing`;
    if (c.min !== undefined && v < c.min) return `${name} = ${v}, below the minimum of ${c.min}`;
    if (c.max !== undefined && v > c.max) return `${name} = ${v}, above the maximum of ${c.max}`;
  }
  return null;
}

function cycleFailures(input: TJudgeInput): TFailure[] {
  const out: TFailure[] = [];
  for (const c of input.cycles) {
    const at = iso(input.startedAt + c.atSec * 1000);
    // verified by the power state the BMC reports: right after the action, or in a later reading
    if (c.status === "DONE" && (c.power === "on" || input.samples.some((s) => s.power === 1 && s.at > (c.doneAt ?? input.startedAt + c.atSec * 1000)))) continue;
    if (c.status === "DONE") {
      if (input.final) out.push({ rule: "power-cycle", kind: "power-cycle", at, message: `After the power cycle at ${fmtDuration(c.atSec * 1000)} the BMC never reported power on again.` });
      continue;
    }
    else if (c.status === "FAILED" || c.status === "EXPIRED" || c.status === "CANCELLED") out.push({ rule: "power-cycle", kind: "power-cycle", at, message: `The power cycle at ${fmtDuration(c.atSec * 1000)} was not carried out (${c.status.toLowerCase()}).` });
    else if (input.final) out.push({ rule: "power-cycle", kind: "power-cycle", at, message: `The power cycle at ${fmtDuration(c.atSec * 1000)} was never confirmed by the BMC.` });
  }
  return out;
}

/** The earliest broken rule, or null (so far: the run may still fail later unless `final`). */
export function judge(input: TJudgeInput): TFailure | null {
  const all = [...sensorFailures(input), ...selFailures(input), ...inbandFailures(input), ...cycleFailures(input)];
  const silence = input.watched === false ? null : silenceFailure(input);
  if (silence) all.push(silence);
  all.sort((a, b) => a.at.localeCompare(b.at));
  return all[0] ?? null;
}

export function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = s / 3600;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}
