/**
 * The site agent: pulls its work from the server, probes each BMC on its own
 * schedule with bounded concurrency, long-polls the server for power commands
 * (carried out at most once and never after their deadline, see commands.ts),
 * journals every observation (probe results and command results) durably and
 * forwards the journal to the server (store-and-forward, at-least-once; the
 * server's idempotency keys make storage exactly-once).
 *
 * Everything with a side effect is a dependency (clock, transport, collector,
 * random, journal directory) so tests can drive it.
 */
import { randomUUID } from "node:crypto";
import {
  AGENT_COMMANDS_MAX_WAIT_SEC,
  FIRMWARE_UPDATE_ACTION,
  ZAgentCommands,
  ZFirmwareUpdateParams,
  type TFirmwareUpdateParams,
  ZAgentWork,
  ZObservation,
  type TAgentCommand,
  ZObservationAck,
  type TAgentTarget,
  type TAgentWork,
  type TObservation,
  type TObservationAck,
} from "../../server/contracts/agent";
import type { TBmcProbeResult, TPowerAction } from "../../server/contracts/bmc";
import { parseHostPort } from "../../server/contracts/normalise";
import { defaultBackends, type Backends } from "./collectors";
import { CommandLedger } from "./commands";
import { oneLine, probeErrorCode, unreachableReason } from "./errors";
import { Journal } from "./journal";
import { TransportError, type Transport } from "./transport";
import { SwitchPoller, type LldpWalker } from "../snmp/poller";

// ---------------------------------------------------------------- dependencies

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface CollectContext {
  timeoutMs: number;
  /** Redfish: the fingerprint to pin (from the server, or seen first by this agent). */
  pinnedFingerprint: string | null;
}

export interface Collected {
  result: TBmcProbeResult;
  tlsFingerprint: string | null;
}

/** Probes one target; throws an error with a `code` (timeout, auth, ...) on failure. */
export type Collector = (target: TAgentTarget, ctx: CollectContext) => Promise<Collected>;

/** The real collector: agents/ipmi and agents/redfish. */
export function backendCollector(backends: Backends = defaultBackends): Collector {
  return async (target, ctx) => {
    if (target.protocol === "ipmi") {
      const { host, port } = parseHostPort(target.address);
      const ipmi = await backends.ipmi();
      const result = await ipmi.probeIpmi({
        host,
        port,
        username: target.username,
        password: target.password,
        privilege: "administrator",
        timeoutMs: ctx.timeoutMs,
        allowCipherZero: target.allowCipherZero,
      });
      return { result, tlsFingerprint: null };
    }
    const redfish = await backends.redfish();
    const r = await redfish.probeRedfish({
      url: target.address,
      username: target.username,
      password: target.password,
      pinnedFingerprint: ctx.pinnedFingerprint,
      timeoutMs: ctx.timeoutMs,
    });
    return { result: r.result, tlsFingerprint: r.fingerprint };
  };
}

/** Carries out a power action on one target; throws an error with a `code` (timeout, auth, ...) on failure. */
export type PowerExecutor = (target: TAgentTarget, action: TPowerAction, ctx: CollectContext) => Promise<{ power: "on" | "off" }>;

/** The real executor: agents/ipmi and agents/redfish, with the target's credentials and TLS pin. */
export function backendPowerExecutor(backends: Backends = defaultBackends): PowerExecutor {
  return async (target, action, ctx) => {
    if (target.protocol === "ipmi") {
      const { host, port } = parseHostPort(target.address);
      const ipmi = await backends.ipmi();
      return ipmi.ipmiPower(
        { host, port, username: target.username, password: target.password, privilege: "operator", timeoutMs: ctx.timeoutMs, allowCipherZero: target.allowCipherZero },
        action,
      );
    }
    const redfish = await backends.redfish();
    return redfish.redfishPower({ url: target.address, username: target.username, password: target.password, pinnedFingerprint: ctx.pinnedFingerprint, timeoutMs: ctx.timeoutMs }, action);
  };
}

/** Carries out a firmware update (Redfish UpdateService) on one target; throws an error with a `code` on failure. */
export type FirmwareUpdater = (target: TAgentTarget, params: TFirmwareUpdateParams, ctx: CollectContext) => Promise<{ reset: string | null; messages: string[] }>;

/** The real updater: agents/redfish/update.ts (IPMI has no standard update path). */
export function backendFirmwareUpdater(): FirmwareUpdater {
  return async (target, params, ctx) => {
    if (target.protocol !== "redfish") throw Object.assign(new Error("firmware updates go through Redfish UpdateService; this BMC is polled over IPMI"), { code: "protocol" });
    const { redfishFirmwareUpdate } = await import("../redfish/update");
    const r = await redfishFirmwareUpdate({ url: target.address, username: target.username, password: target.password, pinnedFingerprint: ctx.pinnedFingerprint, timeoutMs: ctx.timeoutMs }, params);
    return { reset: r.value.reset, messages: r.value.messages };
  };
}

export interface AgentOptions {
  /** server base URL, without trailing slash */
  server: string;
  token: string;
  journalDir: string;
  /** fetch work once, probe every target once, deliver, exit */
  once?: boolean;
  /** probes running at the same time (default 16) */
  concurrency?: number;
  /** observations per POST (default 200, contract max 500) */
  batchSize?: number;
  /** per-probe timeout; default min(30 s, 80 % of the target's interval) */
  probeTimeoutMs?: number;
  transport: Transport;
  collect?: Collector;
  clock?: Clock;
  random?: () => number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** pass an already open journal (tests); otherwise opened from journalDir */
  journal?: Journal;
  /** once mode: delivery attempts before giving up (default 5) */
  onceDeliveryAttempts?: number;
  /** carries out power commands (default: agents/ipmi, agents/redfish) */
  execute?: PowerExecutor;
  /** long-poll wait for GET /commands in seconds (default and max 25); 0 disables the command loop */
  commandWaitSec?: number;
  /** carries out firmware.update commands (default: agents/redfish/update.ts) */
  update?: FirmwareUpdater;
  /** walks a switch's LLDP-MIB (default: agents/snmp/lldp.ts) */
  walkLldp?: LldpWalker;
}

export interface AgentResult {
  ok: boolean;
  probes: number;
  /** power commands carried out (successfully or not) */
  commands: number;
  delivered: number;
  pending: number;
}

// ---------------------------------------------------------------- helpers

const HTTP_TIMEOUT_MS = 30_000;
const MAX_BATCH = 500;

class Wake {
  private ac = new AbortController();
  get signal(): AbortSignal {
    return this.ac.signal;
  }
  notify(): void {
    const old = this.ac;
    this.ac = new AbortController();
    old.abort();
  }
}

/** Exponential backoff with full jitter. */
class Backoff {
  private attempt = 0;
  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number,
  ) {}
  next(): number {
    const cap = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return cap / 2 + (cap / 2) * this.random();
  }
  reset(): void {
    this.attempt = 0;
  }
  get failures(): number {
    return this.attempt;
  }
}

interface TargetState {
  target: TAgentTarget;
  due: number;
  running: boolean;
  failures: number;
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${body ? ` ${body.replace(/\s+/g, " ").slice(0, 200)}` : ""}`);
  }
}

// ---------------------------------------------------------------- the agent

export class Agent {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly collect: Collector;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly stop = new AbortController();
  private readonly wakeScheduler = new Wake();
  private readonly wakeDelivery = new Wake();
  private readonly targets = new Map<string, TargetState>();
  /** fingerprints this agent saw first, until the server's work pins them */
  private readonly seenFingerprints = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private work: TAgentWork | null = null;
  private journal!: Journal;
  private probes = 0;
  private commandsRun = 0;
  private delivered = 0;
  private ledger: CommandLedger | null = null;
  private readonly execute: PowerExecutor;
  private readonly update: FirmwareUpdater;
  /** switches in the work, walked for LLDP over SNMP */
  private readonly switchPoller: SwitchPoller;

  constructor(private readonly opts: AgentOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? (() => {});
    this.collect = opts.collect ?? backendCollector();
    this.execute = opts.execute ?? backendPowerExecutor();
    this.update = opts.update ?? backendFirmwareUpdater();
    this.concurrency = Math.max(1, opts.concurrency ?? 16);
    this.batchSize = Math.min(MAX_BATCH, Math.max(1, opts.batchSize ?? 200));
    this.switchPoller = new SwitchPoller({ server: opts.server, token: opts.token, transport: opts.transport, now: () => this.clock.now(), random: this.random, log: this.log, concurrency: this.concurrency, ...(opts.walkLldp ? { walk: opts.walkLldp } : {}) });
    if (opts.signal) {
      if (opts.signal.aborted) this.stop.abort();
      else opts.signal.addEventListener("abort", () => this.stop.abort(), { once: true });
    }
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private sleep(ms: number, wake?: Wake): Promise<void> {
    const signal = wake ? AbortSignal.any([this.stop.signal, wake.signal]) : this.stop.signal;
    return this.clock.sleep(ms, signal);
  }

  async run(): Promise<AgentResult> {
    this.journal = this.opts.journal ?? Journal.open(this.opts.journalDir, { log: this.log });
    const resumed = this.journal.pendingCount;
    if (resumed > 0) this.log(`agent: resuming with ${resumed} undelivered observation(s) in the journal`);
    try {
      return this.opts.once ? await this.runOnce() : await this.runForever();
    } finally {
      if (!this.opts.journal) this.journal.close();
    }
  }

  private result(): AgentResult {
    const pending = this.journal.pendingCount;
    return { ok: pending === 0, probes: this.probes, commands: this.commandsRun, delivered: this.delivered, pending };
  }

  // ------------------------------------------------------------ modes

  private async runForever(): Promise<AgentResult> {
    const loops = [this.workLoop(), this.schedulerLoop(), this.deliveryLoop(), this.switchPoller.loop(this.stop.signal, (ms, signal) => this.clock.sleep(ms, signal))];
    if ((this.opts.commandWaitSec ?? AGENT_COMMANDS_MAX_WAIT_SEC) > 0) {
      this.ledger = CommandLedger.open(this.journal.dir, { nowMs: this.clock.now() });
      loops.push(this.commandLoop());
    }
    try {
      await Promise.all(loops);
    } finally {
      this.ledger?.close();
    }
    // let running probes finish (they have their own timeouts) so their results are journaled
    if (this.inFlight.size > 0) await Promise.race([Promise.all(this.inFlight), this.clock.sleep(5_000)]);
    await this.finalFlush();
    this.log(`agent: stopped (${this.journal.pendingCount} observation(s) left in the journal)`);
    return this.result();
  }

  private async runOnce(): Promise<AgentResult> {
    // whatever an earlier run left behind goes first
    await this.deliverPending(this.opts.onceDeliveryAttempts ?? 5);
    try {
      this.applyWork(await this.fetchWork());
    } catch (err) {
      throw new Error(`cannot fetch work from ${this.opts.server}: ${describeHttpError(err)}`);
    }
    const all = [...this.targets.values()];
    let next = 0;
    const worker = async () => {
      while (next < all.length && !this.stopped) await this.probe(all[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, all.length) }, worker));
    await this.deliverPending(this.opts.onceDeliveryAttempts ?? 5);
    if (this.switchPoller.switches > 0) {
      await this.switchPoller.walkDue(true);
      await this.switchPoller.deliver(this.stop.signal);
    }
    const r = this.result();
    if (!r.ok) this.log(`agent: ${r.pending} observation(s) not delivered; they stay in the journal for the next run`);
    return r;
  }

  /** On a graceful stop, one short try to hand over what is still pending (it stays journaled if that fails). */
  private async finalFlush(): Promise<void> {
    const deadline = AbortSignal.timeout(5_000);
    for (let i = 0; i < 5 && this.journal.pendingCount > 0 && !deadline.aborted; i++) {
      if ((await this.deliverBatchReporting(deadline)) !== "ok") return;
    }
  }

  private async deliverPending(attempts: number): Promise<void> {
    const backoff = new Backoff(500, 10_000, this.random);
    let failures = 0;
    while (this.journal.pendingCount > 0 && !this.stopped) {
      const ok = await this.deliverBatch();
      if (ok) continue;
      if (++failures >= attempts) return;
      await this.sleep(backoff.next());
    }
  }

  // ------------------------------------------------------------ work

  private async fetchWork(): Promise<TAgentWork> {
    const res = await this.opts.transport({
      method: "GET",
      url: `${this.opts.server}/api/agent/v1/work`,
      headers: { authorization: `Bearer ${this.opts.token}`, accept: "application/json" },
      timeoutMs: HTTP_TIMEOUT_MS,
      signal: this.stop.signal,
    });
    if (res.status !== 200) throw new HttpStatusError(res.status, res.body, "GET /api/agent/v1/work");
    const parsed = ZAgentWork.safeParse(safeJson(res.body));
    if (!parsed.success) throw new Error(`GET /api/agent/v1/work: the answer is not valid work (${parsed.error.issues[0]?.message ?? "invalid"})`);
    return parsed.data;
  }

  private applyWork(work: TAgentWork): void {
    const first = this.work === null;
    this.work = work;
    const seen = new Set<string>();
    for (const listed of work.targets) {
      const target = this.watched(listed, work);
      seen.add(target.endpointId);
      const st = this.targets.get(target.endpointId);
      if (target.tlsFingerprint) this.seenFingerprints.delete(target.endpointId);
      if (st) {
        const intervalChanged = st.target.intervalSec !== target.intervalSec;
        st.target = target;
        if (intervalChanged && !st.running) st.due = Math.min(st.due, this.clock.now() + this.interval(target, 0));
      } else {
        // spread the first probes over the interval (at most 30 s) so a large site does not start in a burst
        const spread = Math.min(target.intervalSec * 1000, 30_000);
        this.targets.set(target.endpointId, { target, due: this.clock.now() + spread * this.random(), running: false, failures: 0 });
      }
    }
    for (const id of [...this.targets.keys()]) if (!seen.has(id)) this.targets.delete(id);
    this.switchPoller.setWork(work.switches ?? []);
    if (first) this.log(`agent: ${work.agentId} has ${work.targets.length} target(s)${work.switches?.length ? ` and ${work.switches.length} switch(es)` : ""}`);
    this.wakeScheduler.notify();
  }

  /** A target a burn-in run watches is probed at the run's cadence until the run's end. */
  private watched(target: TAgentTarget, work: TAgentWork): TAgentTarget {
    const now = this.clock.now();
    const watch = (work.watches ?? []).find((w) => w.endpointId === target.endpointId && Date.parse(w.until) > now);
    return watch ? { ...target, intervalSec: Math.min(target.intervalSec, watch.intervalSec) } : target;
  }

  private async workLoop(): Promise<void> {
    const backoff = new Backoff(1_000, 60_000, this.random);
    let lastError = "";
    while (!this.stopped) {
      try {
        this.applyWork(await this.fetchWork());
        if (lastError) this.log("agent: server reachable again (work)");
        lastError = "";
        backoff.reset();
        const poll = (this.work?.pollIntervalSec ?? 60) * 1000;
        await this.sleep(poll * (0.9 + 0.2 * this.random()));
      } catch (err) {
        if (this.stopped) break;
        const msg = describeHttpError(err);
        if (msg !== lastError) this.log(`agent: cannot fetch work: ${msg}${this.work ? " (keeping the previous work)" : ""}`);
        lastError = msg;
        await this.sleep(backoff.next());
      }
    }
  }

  // ------------------------------------------------------------ probing

  /** Next delay for a target: its interval ±10 %, stretched after consecutive failures. */
  private interval(target: TAgentTarget, failures: number, lastReason?: string): number {
    // auth-like failures back off harder: repeated wrong passwords lock BMC accounts
    const cap = lastReason === "auth" || lastReason === "privilege" || lastReason === "tls-mismatch" ? 16 : 4;
    const factor = failures === 0 ? 1 : Math.min(cap, 2 ** (failures - 1));
    return target.intervalSec * 1000 * factor * (0.9 + 0.2 * this.random());
  }

  private async schedulerLoop(): Promise<void> {
    while (!this.stopped) {
      const wake = this.wakeScheduler.signal; // take before checking, so no wake-up is lost
      const now = this.clock.now();
      let running = 0;
      for (const st of this.targets.values()) if (st.running) running++;
      const due = [...this.targets.values()].filter((s) => !s.running && s.due <= now).sort((a, b) => a.due - b.due);
      for (const st of due) {
        if (running >= this.concurrency) break;
        running++;
        const p: Promise<void> = this.probe(st)
          .then(() => {})
          .finally(() => {
          this.inFlight.delete(p);
          this.wakeScheduler.notify();
        });
        this.inFlight.add(p);
      }
      let next = Infinity;
      if (running < this.concurrency) for (const st of this.targets.values()) if (!st.running) next = Math.min(next, st.due);
      const waitMs = Math.min(60_000, Math.max(0, next - this.clock.now()));
      if (wake.aborted) continue;
      await this.clock.sleep(waitMs, AbortSignal.any([this.stop.signal, wake]));
    }
  }

  private async probe(st: TargetState): Promise<TObservation> {
    const target = st.target;
    st.running = true;
    const started = this.clock.now();
    const timeoutMs = this.opts.probeTimeoutMs ?? Math.max(1_000, Math.min(30_000, target.intervalSec * 800));
    const base = {
      idempotencyKey: `${(this.work?.agentId ?? "agent").slice(0, 64)}:${randomUUID()}`,
      endpointId: target.endpointId,
      observedAt: new Date(started).toISOString(),
    };
    let obs: TObservation;
    let reason: string | undefined;
    try {
      const pinned = target.tlsFingerprint ?? this.seenFingerprints.get(target.endpointId) ?? null;
      const collected = await this.withDeadline(this.collect(target, { timeoutMs, pinnedFingerprint: pinned }), timeoutMs + 5_000);
      const parsed = ZObservation.safeParse({
        kind: "bmc.probe",
        ...base,
        durationMs: this.clock.now() - started,
        ...(target.protocol === "redfish" ? { tlsFingerprint: collected.tlsFingerprint } : {}),
        result: collected.result,
      });
      if (!parsed.success) throw Object.assign(new Error(`invalid probe result: ${parsed.error.issues[0]?.message ?? "invalid"}`), { code: "decode" });
      obs = parsed.data;
      if (target.protocol === "redfish" && collected.tlsFingerprint && !target.tlsFingerprint)
        this.seenFingerprints.set(target.endpointId, collected.tlsFingerprint);
    } catch (err) {
      reason = unreachableReason(err);
      // a pin this agent made itself yields to the server: report the mismatch, let the server decide
      if (reason === "tls-mismatch" && !target.tlsFingerprint) this.seenFingerprints.delete(target.endpointId);
      obs = {
        kind: "bmc.unreachable",
        ...base,
        durationMs: this.clock.now() - started,
        reason: reason as Extract<TObservation, { kind: "bmc.unreachable" }>["reason"],
        message: oneLine(err).slice(0, 2000),
      };
      if (probeErrorCode(err) === null) this.log(`agent: probe of ${target.endpointId} failed unexpectedly: ${obs.message}`);
    }
    this.probes++;
    try {
      this.journal.append([obs]);
      this.wakeDelivery.notify();
    } catch (err) {
      this.log(`agent: cannot journal an observation of ${target.endpointId}: ${oneLine(err)}`);
    }
    st.failures = reason === undefined ? 0 : st.failures + 1;
    st.due = started + this.interval(st.target, st.failures, reason); // the current target: its interval may have changed meanwhile (a burn-in watch)
    st.running = false;
    return obs;
  }

  private async withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
    const ac = new AbortController();
    try {
      return await Promise.race([
        p,
        this.clock.sleep(ms, ac.signal).then(() => {
          throw Object.assign(new Error(`no answer within ${ms} ms`), { code: "timeout" });
        }),
      ]);
    } finally {
      ac.abort();
    }
  }

  // ------------------------------------------------------------ commands

  private async fetchCommands(waitSec: number): Promise<TAgentCommand[] | null> {
    const res = await this.opts.transport({
      method: "GET",
      url: `${this.opts.server}/api/agent/v1/commands?wait=${waitSec}`,
      headers: { authorization: `Bearer ${this.opts.token}`, accept: "application/json" },
      timeoutMs: waitSec * 1000 + HTTP_TIMEOUT_MS,
      signal: this.stop.signal,
    });
    if (res.status === 404) return null; // a server without the command channel
    if (res.status !== 200) throw new HttpStatusError(res.status, res.body, "GET /api/agent/v1/commands");
    const parsed = ZAgentCommands.safeParse(safeJson(res.body));
    if (!parsed.success) throw new Error(`GET /api/agent/v1/commands: the answer is not a valid command list (${parsed.error.issues[0]?.message ?? "invalid"})`);
    return parsed.data.commands;
  }

  private async commandLoop(): Promise<void> {
    const waitSec = Math.min(AGENT_COMMANDS_MAX_WAIT_SEC, Math.max(1, Math.round(this.opts.commandWaitSec ?? AGENT_COMMANDS_MAX_WAIT_SEC)));
    const backoff = new Backoff(1_000, 60_000, this.random);
    let lastError = "";
    while (!this.stopped) {
      let commands: TAgentCommand[] | null;
      try {
        commands = await this.fetchCommands(waitSec);
      } catch (err) {
        if (this.stopped) break;
        const msg = describeHttpError(err);
        if (msg !== lastError) this.log(`agent: cannot fetch commands: ${msg}`);
        lastError = msg;
        await this.sleep(backoff.next());
        continue;
      }
      backoff.reset();
      if (commands === null) {
        if (lastError !== "404") this.log("agent: the server has no command channel (GET /commands: 404); asking again in 10 minutes");
        lastError = "404";
        await this.sleep(10 * 60_000);
        continue;
      }
      if (lastError) this.log("agent: server reachable again (commands)");
      lastError = "";
      // one command per BMC at a time; different BMCs in parallel
      await Promise.all(commands.map((c) => this.runCommand(c)));
    }
  }

  /** Carries out one command at most once and never after its deadline; its result goes into the journal. */
  async runCommand(cmd: TAgentCommand): Promise<void> {
    const ledger = this.ledger;
    if (!ledger) throw new Error("agent: the command ledger is not open");
    const started = this.clock.now();
    let decision: ReturnType<CommandLedger["claim"]>;
    try {
      decision = ledger.claim(cmd, started);
    } catch (err) {
      // cannot record it: do not act, it would not be at-most-once
      this.log(`agent: cannot record command ${cmd.commandId}, not carrying it out: ${oneLine(err)}`);
      return;
    }
    if (decision === "duplicate") {
      this.log(`agent: command ${cmd.commandId} was already carried out; ignoring it`);
      return;
    }
    const base = {
      kind: "bmc.command" as const,
      idempotencyKey: `${(this.work?.agentId ?? "agent").slice(0, 64)}:cmd:${cmd.commandId}`.slice(0, 128),
      commandId: cmd.commandId,
      endpointId: cmd.endpointId,
      observedAt: new Date(started).toISOString(),
    };
    let obs: TObservation;
    if (decision === "expired") {
      this.log(`agent: command ${cmd.commandId} (${cmd.action} on ${cmd.endpointId}) expired at ${cmd.expiresAt}; not carrying it out`);
      obs = { ...base, durationMs: 0, ok: false, error: { reason: "expired", message: `The command expired at ${cmd.expiresAt} before the agent could carry it out.` } };
    } else {
      let target = this.targets.get(cmd.endpointId)?.target;
      if (!target) {
        try {
          this.applyWork(await this.fetchWork());
        } catch {
          /* answered below */
        }
        target = this.targets.get(cmd.endpointId)?.target;
      }
      const st = this.targets.get(cmd.endpointId);
      if (!target || !st) {
        obs = { ...base, durationMs: this.clock.now() - started, ok: false, error: { reason: "unknown-endpoint", message: `BMC endpoint ${cmd.endpointId} is not in this agent's work.` } };
      } else if (cmd.action === "probe") {
        // read the BMC now: the readings are journaled first, so the server has them when it learns the command is done
        const probed = await this.probe(st);
        this.wakeScheduler.notify();
        obs =
          probed.kind === "bmc.probe"
            ? { ...base, durationMs: this.clock.now() - started, ok: true, power: probed.result.power }
            : { ...base, durationMs: this.clock.now() - started, ok: false, error: { reason: probed.kind === "bmc.unreachable" ? probed.reason : "protocol", message: probed.kind === "bmc.unreachable" ? probed.message : "no reading" } };
        this.log(`agent: command ${cmd.commandId}: probe of ${cmd.endpointId} ${obs.ok ? "done" : "failed"}`);
        this.commandsRun++;
      } else if (cmd.action === FIRMWARE_UPDATE_ACTION) {
        obs = await this.runFirmwareUpdate(cmd, target, st, base, started);
        this.commandsRun++;
      } else {
        const timeoutMs = Math.max(5_000, Math.min(60_000, Date.parse(cmd.expiresAt) - this.clock.now()));
        const pinned = target.tlsFingerprint ?? this.seenFingerprints.get(target.endpointId) ?? null;
        try {
          const r = await this.withDeadline(this.execute(target, cmd.action, { timeoutMs, pinnedFingerprint: pinned }), timeoutMs + 5_000);
          obs = { ...base, durationMs: this.clock.now() - started, ok: true, power: r.power };
          this.log(`agent: command ${cmd.commandId}: ${cmd.action} on ${cmd.endpointId} done, power ${r.power}`);
        } catch (err) {
          const reason = unreachableReason(err);
          obs = { ...base, durationMs: this.clock.now() - started, ok: false, error: { reason, message: oneLine(err).slice(0, 2000) } };
          this.log(`agent: command ${cmd.commandId}: ${cmd.action} on ${cmd.endpointId} failed: ${obs.error?.message ?? reason}`);
        }
        this.commandsRun++;
      }
    }
    try {
      this.journal.append([obs]);
      this.wakeDelivery.notify();
    } catch (err) {
      this.log(`agent: cannot journal the result of command ${cmd.commandId}: ${oneLine(err)}`);
    }
  }

  /**
   * A firmware.update command: the update (SimpleUpdate, the task followed to its end, the reset it waits for),
   * then a fresh probe journaled BEFORE the result, so the server reads the new version when it learns the update is done.
   */
  private async runFirmwareUpdate(
    cmd: TAgentCommand,
    target: TAgentTarget,
    st: TargetState,
    base: Omit<Extract<TObservation, { kind: "bmc.command" }>, "durationMs" | "ok" | "power" | "error">,
    started: number,
  ): Promise<TObservation> {
    const params = ZFirmwareUpdateParams.safeParse(cmd.firmware);
    if (!params.success) return { ...base, durationMs: 0, ok: false, error: { reason: "protocol", message: "The firmware.update command names no image (firmware.imageUri)." } };
    const pinned = target.tlsFingerprint ?? this.seenFingerprints.get(target.endpointId) ?? null;
    const timeoutMs = params.data.maxMs;
    try {
      const r = await this.withDeadline(this.update(target, params.data, { timeoutMs, pinnedFingerprint: pinned }), timeoutMs + 5_000);
      this.log(`agent: command ${cmd.commandId}: firmware update on ${cmd.endpointId} done${r.reset ? `, reset ${r.reset}` : ""}`);
    } catch (err) {
      const reason = unreachableReason(err);
      this.log(`agent: command ${cmd.commandId}: firmware update on ${cmd.endpointId} failed: ${oneLine(err)}`);
      return { ...base, durationMs: this.clock.now() - started, ok: false, error: { reason, message: oneLine(err).slice(0, 2000) } };
    }
    const probed = await this.probe(st);
    this.wakeScheduler.notify();
    return probed.kind === "bmc.probe"
      ? { ...base, durationMs: this.clock.now() - started, ok: true, power: probed.result.power }
      : { ...base, durationMs: this.clock.now() - started, ok: true };
  }

  /** Opens the command ledger for tests that call runCommand directly. */
  openCommandLedger(journal: Journal): void {
    this.journal = journal;
    this.ledger ??= CommandLedger.open(journal.dir, { nowMs: this.clock.now() });
  }

  closeCommandLedger(): void {
    this.ledger?.close();
    this.ledger = null;
  }

  // ------------------------------------------------------------ delivery

  private async deliveryLoop(): Promise<void> {
    const backoff = new Backoff(500, 30_000, this.random);
    let lastError = "";
    while (!this.stopped) {
      const wake = this.wakeDelivery.signal;
      if (this.journal.pendingCount === 0) {
        await this.sleep(60_000, this.wakeDelivery);
        if (wake.aborted && !this.stopped) await this.sleep(100); // gather a few more into one batch
        continue;
      }
      let outcome: string;
      try {
        outcome = await this.deliverBatchReporting();
      } catch (err) {
        // the journal itself failed (disk); keep trying, the records are still on disk or were never acked
        outcome = `journal error: ${oneLine(err)}`;
      }
      if (outcome === "ok") {
        if (lastError) this.log(`agent: server reachable again, delivering the journal (${this.journal.pendingCount} pending)`);
        lastError = "";
        backoff.reset();
      } else {
        if (outcome !== lastError) this.log(`agent: cannot deliver observations: ${outcome} (${this.journal.pendingCount} kept in the journal; retrying)`);
        lastError = outcome;
        await this.sleep(backoff.next());
      }
    }
  }

  private singleMode = false;

  private async deliverBatch(): Promise<boolean> {
    return (await this.deliverBatchReporting()) === "ok";
  }

  /** Sends the oldest pending records; "ok" when the server stored at least one, else why not. */
  private async deliverBatchReporting(signal: AbortSignal = this.stop.signal): Promise<string> {
    const batch = this.journal.pending(this.singleMode ? 1 : this.batchSize);
    if (batch.length === 0) return "ok";
    let ack: TObservationAck;
    try {
      const res = await this.opts.transport({
        method: "POST",
        url: `${this.opts.server}/api/agent/v1/observations`,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify({ observations: batch }),
        timeoutMs: HTTP_TIMEOUT_MS,
        signal,
      });
      if (res.status === 400 || res.status === 413 || res.status === 422) {
        // the server refuses the payload itself: find the record it refuses and set it aside
        if (batch.length > 1) {
          this.singleMode = true;
          return "ok";
        }
        this.journal.deadLetter(batch[0].idempotencyKey, `HTTP ${res.status}: ${res.body.slice(0, 500)}`);
        this.log(`agent: the server refused observation ${batch[0].idempotencyKey} (HTTP ${res.status}); moved to dead-letter.jsonl`);
        return "ok";
      }
      if (res.status !== 200 && res.status !== 201) throw new HttpStatusError(res.status, res.body, "POST /api/agent/v1/observations");
      const parsed = ZObservationAck.safeParse(safeJson(res.body));
      if (!parsed.success) throw new Error("POST /api/agent/v1/observations: the answer is not a valid ack");
      ack = parsed.data;
    } catch (err) {
      return describeHttpError(err);
    }
    const n = this.journal.markDelivered(ack.stored);
    this.delivered += n;
    if (this.singleMode && n > 0) this.singleMode = false;
    this.journal.maybeCompact();
    return n > 0 ? "ok" : "the server acknowledged none of the batch";
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeHttpError(err: unknown): string {
  if (err instanceof HttpStatusError) {
    if (err.status === 401 || err.status === 403) return `the server refused the agent token (HTTP ${err.status}); check --token`;
    return err.message;
  }
  if (err instanceof TransportError) return `server unreachable (${err.message})`;
  return oneLine(err);
}

export async function runAgent(opts: AgentOptions): Promise<AgentResult> {
  return new Agent(opts).run();
}
