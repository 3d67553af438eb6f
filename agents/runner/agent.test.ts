/**
 * The agent loop driven by a fake clock: the real journal on disk, the real
 * in-memory agent API handler called in-process, and collector functions that
 * stand in for the BMCs (the child-process test with real simulators is
 * agent.int.test.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TAgentTarget, TObservation } from "../../server/contracts/agent";
import type { TBmcProbeResult } from "../../server/contracts/bmc";
import { createMemoryAgentApi, type MemoryAgentApi } from "../../tests/harness/agent-api-server";
import { Agent, type AgentResult, type Clock, type Collector } from "./agent";
import { handlerTransport, TransportError, type Transport } from "./transport";

class FakeClock implements Clock {
  t = Date.UTC(2026, 0, 1);
  private timers: { at: number; fire: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = {
        at: this.t + Math.max(0, ms),
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      this.timers.push(timer);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.at);
      this.timers = this.timers.filter((x) => x !== next);
      next.fire();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

const RESULT: TBmcProbeResult = {
  protocol: "ipmi",
  power: "on",
  deviceId: { firmwareRevision: "1.0", manufacturerId: null, productId: null },
  guid: null,
  fru: { manufacturer: null, productName: null, productSerial: "SN1", boardSerial: null, chassisSerial: null, assetTag: null },
  sensors: [],
  sel: [],
  firmware: [],
};

function target(i: number, over: Partial<TAgentTarget> = {}): TAgentTarget {
  return {
    endpointId: `ep-${i}`,
    assetId: `asset-${i}`,
    protocol: "ipmi",
    address: `127.0.0.1:${10_000 + i}`,
    username: "admin",
    password: "secretpw",
    intervalSec: 10,
    allowCipherZero: false,
    tlsFingerprint: null,
    ...over,
  };
}

const okCollector: Collector = async () => ({ result: RESULT, tlsFingerprint: null });

let dir: string;
let clock: FakeClock;
let api: MemoryAgentApi;
let down: boolean;
const logs: string[] = [];
let running: { agent: Agent; stop: AbortController; done: Promise<AgentResult> } | null;

const switchable = (inner: Transport): Transport => async (req) => {
  if (down) throw new TransportError("connect ECONNREFUSED 127.0.0.1:3000");
  return inner(req);
};

function start(opts: { targets: TAgentTarget[]; collect?: Collector; concurrency?: number; once?: boolean; transport?: Transport }) {
  api.setWork({ agentId: "agent-unit", siteId: null, pollIntervalSec: 30, targets: opts.targets });
  const stop = new AbortController();
  const agent = new Agent({
    server: "http://127.0.0.1:3000",
    token: "test-agent-token",
    journalDir: dir,
    transport: opts.transport ?? switchable(handlerTransport(api.handler)),
    collect: opts.collect ?? okCollector,
    clock,
    random: () => 0.5,
    concurrency: opts.concurrency,
    once: opts.once,
    signal: stop.signal,
    log: (l) => logs.push(l),
  });
  running = { agent, stop, done: agent.run() };
  return running;
}

async function stopAgent(): Promise<AgentResult | undefined> {
  if (!running) return undefined;
  running.stop.abort();
  await clock.advance(10_000);
  const r = await running.done;
  running = null;
  return r;
}

function assertStoredOnceInOrder(stored: TObservation[]): void {
  expect(new Set(stored.map((o) => o.idempotencyKey)).size).toBe(stored.length);
  const last = new Map<string, string>();
  for (const o of stored) {
    expect(o.observedAt >= (last.get(o.endpointId) ?? "")).toBe(true);
    last.set(o.endpointId, o.observedAt);
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-agent-unit-"));
  clock = new FakeClock();
  api = createMemoryAgentApi({ token: "test-agent-token" });
  down = false;
  running = null;
});
afterEach(async () => {
  await stopAgent();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Agent", () => {
  it("probes each target at its interval and delivers every observation once, in order", async () => {
    start({ targets: [target(1), target(2), target(3)] });
    await clock.advance(45_000);
    const perEndpoint = (id: string) => api.store.observations.filter((o) => o.endpointId === id).length;
    for (const id of ["ep-1", "ep-2", "ep-3"]) {
      // first probe within the first interval, then every ~10 s
      expect(perEndpoint(id)).toBeGreaterThanOrEqual(4);
      expect(perEndpoint(id)).toBeLessThanOrEqual(5);
    }
    assertStoredOnceInOrder(api.store.observations);
    expect(api.store.observations[0]).toMatchObject({ kind: "bmc.probe", result: RESULT });
    expect(api.store.observations[0].idempotencyKey).toMatch(/^agent-unit:[0-9a-f-]{36}$/);
    const r = await stopAgent();
    expect(r?.pending).toBe(0);
  });

  it("keeps observations in the journal while the server is down and delivers them after", async () => {
    start({ targets: [target(1), target(2)] });
    await clock.advance(12_000);
    const before = api.store.observations.length;
    expect(before).toBeGreaterThan(0);

    down = true;
    await clock.advance(60_000);
    expect(api.store.observations.length).toBe(before);
    const pending = running!.agent["journal"].pendingCount;
    expect(pending).toBeGreaterThanOrEqual(8);

    down = false;
    await clock.advance(40_000); // longer than the longest delivery backoff
    expect(running!.agent["journal"].pendingCount).toBe(0);
    expect(api.store.observations.length).toBeGreaterThanOrEqual(before + pending);
    expect(api.store.duplicates).toEqual([]);
    assertStoredOnceInOrder(api.store.observations);
  });

  it("resumes from the journal after a restart", async () => {
    start({ targets: [target(1)] });
    await clock.advance(1_000); // work fetched
    down = true;
    await clock.advance(35_000);
    await stopAgent();
    const journaled = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith("seg-"))!), "utf8");
    const keys = journaled.trim().split("\n").map((l) => (JSON.parse(l) as TObservation).idempotencyKey);
    expect(keys.length).toBeGreaterThanOrEqual(3);

    down = false;
    start({ targets: [] });
    await clock.advance(5_000);
    expect(api.store.observations.map((o) => o.idempotencyKey)).toEqual(keys);
  });

  it("turns failures into bmc.unreachable with the reason and the message as is, and backs off", async () => {
    // the protocol modules never put a password into a message (see their wrong-password tests), so the
    // agent records the message unedited: no substring replacement that would give a short password away
    const calls: number[] = [];
    const collect: Collector = async () => {
      calls.push(clock.now());
      throw Object.assign(new Error("RAKP 2 HMAC is invalid: wrong user name or password\nfor admin"), { code: "auth" });
    };
    start({ targets: [target(1)], collect });
    await clock.advance(400_000);
    const obs = api.store.observations;
    expect(obs.length).toBeGreaterThanOrEqual(4);
    for (const o of obs) {
      expect(o).toMatchObject({ kind: "bmc.unreachable", reason: "auth", endpointId: "ep-1", message: "RAKP 2 HMAC is invalid: wrong user name or password for admin" });
      expect(JSON.stringify(o)).not.toContain("secretpw");
    }
    const gaps = calls.slice(1).map((t, i) => t - calls[i]);
    expect(gaps.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(160_000);
  });

  it("maps a probe that hangs to a timeout", async () => {
    const collect: Collector = () => new Promise(() => {});
    start({ targets: [target(1)], collect });
    await clock.advance(30_000);
    expect(api.store.observations[0]).toMatchObject({ kind: "bmc.unreachable", reason: "timeout" });
  });

  it("never runs more probes at once than the concurrency limit", async () => {
    let now = 0;
    let max = 0;
    const collect: Collector = async () => {
      max = Math.max(max, ++now);
      await clock.sleep(2_000);
      now--;
      return { result: RESULT, tlsFingerprint: null };
    };
    start({ targets: Array.from({ length: 12 }, (_, i) => target(i)), collect, concurrency: 3 });
    await clock.advance(60_000);
    expect(max).toBe(3);
    expect(new Set(api.store.observations.map((o) => o.endpointId)).size).toBe(12);
  });

  it("records the TLS fingerprint of Redfish targets and pins it on the next probe", async () => {
    const pins: (string | null)[] = [];
    const collect: Collector = async (_t, ctx) => {
      pins.push(ctx.pinnedFingerprint);
      return { result: { ...RESULT, protocol: "redfish" }, tlsFingerprint: "AB:CD" };
    };
    start({ targets: [target(1, { protocol: "redfish", address: "https://127.0.0.1:8443" })], collect });
    await clock.advance(25_000);
    expect(api.store.observations[0]).toMatchObject({ kind: "bmc.probe", tlsFingerprint: "AB:CD" });
    expect(pins[0]).toBeNull();
    expect(pins.slice(1).every((p) => p === "AB:CD")).toBe(true);
  });

  it("sets aside a record the server refuses, and delivers the rest", async () => {
    const inner = handlerTransport(api.handler);
    const transport: Transport = async (req) =>
      req.method === "POST" && req.body?.includes('"ep-poison"') ? { status: 422, body: '{"error":"unknown endpoint"}' } : inner(req);
    start({ targets: [target(1), target(2, { endpointId: "ep-poison" })], transport });
    await clock.advance(22_000);
    expect(api.store.observations.some((o) => o.endpointId === "ep-1")).toBe(true);
    expect(api.store.observations.some((o) => o.endpointId === "ep-poison")).toBe(false);
    expect(running!.agent["journal"].pendingCount, logs.join("\n")).toBe(0);
    const dead = fs.readFileSync(path.join(dir, "dead-letter.jsonl"), "utf8").trim().split("\n");
    expect(dead.length).toBeGreaterThan(0);
  });

  it("--once probes every target once, delivers and reports success", async () => {
    const r = start({ targets: [target(1), target(2)], once: true });
    await clock.advance(5_000);
    const result = await r.done;
    running = null;
    expect(result).toMatchObject({ ok: true, probes: 2, delivered: 2, pending: 0 });
    expect(api.store.observations).toHaveLength(2);
  });
});
