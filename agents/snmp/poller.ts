/**
 * The site agent's switch polling: the switches in the agent's work (`switches`) are walked over SNMP
 * (./lldp.ts) every `intervalSec`, a few at a time, and each walk (its LLDP view, or why there is none)
 * is posted to POST /api/agent/v1/lldp with an idempotency key chosen once per walk. Walks the server
 * did not take yet are kept in memory (bounded) and sent again with the next batch; unlike the BMC
 * probes they are not journaled on disk: a newer walk of the same switch supersedes them anyway.
 */
import { randomUUID } from "node:crypto";
import { ZObservationAck, type TAgentSwitch, type TLldpObservation } from "../../server/contracts/agent";
import type { TLldpView } from "../../server/contracts/lldp";
import type { Transport } from "../runner/transport";
import { oneLine } from "../runner/errors";
import type { SnmpTarget } from "./lldp";

export type LldpWalker = (t: SnmpTarget) => Promise<TLldpView>;

export interface SwitchPollerOptions {
  server: string;
  token: string;
  transport: Transport;
  now?: () => number;
  random?: () => number;
  log?: (line: string) => void;
  /** walks at a time (default 16) */
  concurrency?: number;
  /** default: agents/snmp/lldp.ts walkLldp, loaded when first needed */
  walk?: LldpWalker;
}

/** walks kept while the server is away (the newest are kept) */
const MAX_PENDING = 2_000;
const BATCH = 100;

export function snmpTargetOf(s: TAgentSwitch): SnmpTarget {
  return { host: s.host, port: s.port, timeoutMs: s.timeoutMs, ...s.snmp };
}

export class SwitchPoller {
  private readonly due = new Map<string, { sw: TAgentSwitch; due: number; running: boolean }>();
  private pending: TLldpObservation[] = [];
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private walker: LldpWalker | null;
  walks = 0;

  constructor(private readonly opts: SwitchPollerOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.log = opts.log ?? (() => {});
    this.walker = opts.walk ?? null;
  }

  get switches(): number {
    return this.due.size;
  }

  /** The switches of the latest work; new ones are spread over their interval (at most 30 s). */
  setWork(switches: TAgentSwitch[]): void {
    const seen = new Set<string>();
    for (const sw of switches) {
      seen.add(sw.switchId);
      const st = this.due.get(sw.switchId);
      if (st) st.sw = sw;
      else this.due.set(sw.switchId, { sw, due: this.now() + Math.min(sw.intervalSec * 1000, 30_000) * this.random(), running: false });
    }
    for (const id of [...this.due.keys()]) if (!seen.has(id)) this.due.delete(id);
  }

  private async walkOne(sw: TAgentSwitch): Promise<TLldpObservation> {
    this.walker ??= (await import("./lldp")).walkLldp;
    const started = this.now();
    const base = { kind: "lldp" as const, idempotencyKey: `lldp-${randomUUID()}`, switchId: sw.switchId, observedAt: new Date(started).toISOString() };
    try {
      const view = await this.walker(snmpTargetOf(sw));
      return { ...base, durationMs: this.now() - started, view };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = code === "timeout" || code === "auth" || code === "network" ? code : "protocol";
      return { ...base, durationMs: this.now() - started, error: { reason, message: oneLine(err).slice(0, 2000) } };
    } finally {
      this.walks++;
    }
  }

  /** Walks the given switches (all due ones by default), `concurrency` at a time; the walks join the pending batch. */
  async walkDue(all = false): Promise<number> {
    const now = this.now();
    const list = [...this.due.values()].filter((s) => !s.running && (all || s.due <= now));
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const st = list[next++]!;
        st.running = true;
        try {
          const obs = await this.walkOne(st.sw);
          if (obs.error) this.log(`agent: LLDP walk of switch ${st.sw.switchId} (${st.sw.host}:${st.sw.port}) failed: ${obs.error.message}`);
          this.pending.push(obs);
        } finally {
          st.running = false;
          st.due = this.now() + st.sw.intervalSec * 1000 * (0.9 + 0.2 * this.random());
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 16, list.length) }, worker));
    if (this.pending.length > MAX_PENDING) this.pending = this.pending.slice(-MAX_PENDING);
    return list.length;
  }

  /** Posts what is pending, a batch at a time; false when the server did not take a batch (kept for next time). */
  async deliver(signal?: AbortSignal): Promise<boolean> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, BATCH);
      let res;
      try {
        res = await this.opts.transport({
          method: "POST",
          url: `${this.opts.server}/api/agent/v1/lldp`,
          headers: { authorization: `Bearer ${this.opts.token}`, "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ observations: batch }),
          timeoutMs: 30_000,
          signal,
        });
      } catch (err) {
        this.log(`agent: cannot deliver LLDP walks: ${oneLine(err)}`);
        return false;
      }
      if (res.status === 400) {
        // refused as a whole: one bad walk must not block the others forever; drop the batch and say so
        this.log(`agent: the server refused ${batch.length} LLDP walk(s): ${res.body.slice(0, 300)}`);
        this.pending = this.pending.slice(batch.length);
        continue;
      }
      if (res.status !== 200) {
        this.log(`agent: cannot deliver LLDP walks: HTTP ${res.status}`);
        return false;
      }
      const ack = ZObservationAck.safeParse(JSON.parse(res.body));
      const stored = new Set(ack.success ? ack.data.stored : batch.map((b) => b.idempotencyKey));
      this.pending = this.pending.filter((p) => !stored.has(p.idempotencyKey));
    }
    return true;
  }

  /** ms until the next switch is due (Infinity without switches) */
  nextDueIn(): number {
    let next = Infinity;
    for (const s of this.due.values()) if (!s.running) next = Math.min(next, s.due);
    return Math.max(0, next - this.now());
  }

  /** Polls until `signal` aborts: walk what is due, deliver, sleep until the next is due (at most 5 s, to pick up new work). */
  async loop(signal: AbortSignal, sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if ((await this.walkDue()) > 0 || this.pending.length > 0) await this.deliver(signal);
      await sleep(Math.min(5_000, this.nextDueIn()), signal);
    }
  }
}
