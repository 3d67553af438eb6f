/**
 * One shared UDP socket multiplexing many RMCP+ sessions. Inbound datagrams are
 * decoded once and dispatched by console session ID (SIDm) or, for
 * session-less traffic (ASF pong, v1.5, handshake errors), by BMC endpoint.
 */
import dgram from "node:dgram";
import { randomFillSync } from "node:crypto";

const RAND_POOL = Buffer.allocUnsafe(4096);
let randPos = RAND_POOL.length;
/** n random bytes from a pooled CSPRNG buffer (copied out). */
export function pooledRandom(n: number): Buffer {
  if (n > 256) return randomFillSync(Buffer.allocUnsafe(n));
  if (randPos + n > RAND_POOL.length) {
    randomFillSync(RAND_POOL);
    randPos = 0;
  }
  const out = Buffer.from(RAND_POOL.subarray(randPos, randPos + n));
  RAND_POOL.fill(0, randPos, randPos + n);
  randPos += n;
  return out;
}
import { parsePacket, type ParsedPacket } from "./codec";
import { IpmiNetworkError } from "./errors";

export interface Remote {
  address: string;
  port: number;
}

export type PacketListener = (pkt: ParsedPacket, from: Remote) => void;

export interface TransportStats {
  rx: number;
  tx: number;
  dropped: number;
  undeliverable: number;
}

/** A cancellable deadline in the transport's timer queue. */
export interface TimerEntry {
  at: number;
  fn: () => void;
  cancelled: boolean;
}

export class IpmiTransport {
  private sock4: dgram.Socket | null = null;
  private sock6: dgram.Socket | null = null;
  private ready4: Promise<void> | null = null;
  private ready6: Promise<void> | null = null;
  private readonly bySid = new Map<number, PacketListener>();
  private readonly byEndpoint = new Map<string, Set<PacketListener>>();
  readonly stats: TransportStats = { rx: 0, tx: 0, dropped: 0, undeliverable: 0 };
  private closed = false;

  constructor(private readonly opts: { recvBufferSize?: number; sendBufferSize?: number } = {}) {}

  private static sharedInstance: IpmiTransport | null = null;
  /** The process-wide transport (one UDP socket per address family). */
  static shared(): IpmiTransport {
    if (!IpmiTransport.sharedInstance || IpmiTransport.sharedInstance.closed) IpmiTransport.sharedInstance = new IpmiTransport({ recvBufferSize: 8 << 20, sendBufferSize: 4 << 20 });
    return IpmiTransport.sharedInstance;
  }

  private open(family: 4 | 6): Promise<void> {
    if (this.closed) return Promise.reject(new IpmiNetworkError("transport closed"));
    if (family === 4 && this.ready4) return this.ready4;
    if (family === 6 && this.ready6) return this.ready6;
    const sock = dgram.createSocket({ type: family === 4 ? "udp4" : "udp6" });
    const ready = new Promise<void>((resolve, reject) => {
      sock.once("error", (e) => reject(new IpmiNetworkError(`UDP bind failed: ${e.message}`, { cause: e })));
      sock.bind(0, () => {
        sock.removeAllListeners("error");
        sock.on("error", () => {
          /* per-send errors are reported to the sender; socket errors are not fatal */
        });
        try {
          if (this.opts.recvBufferSize) sock.setRecvBufferSize(this.opts.recvBufferSize);
          if (this.opts.sendBufferSize) sock.setSendBufferSize(this.opts.sendBufferSize);
        } catch {
          /* kernel limits: keep defaults */
        }
        this.updateRef();
        resolve();
      });
    });
    sock.on("message", (msg, rinfo) => this.onMessage(msg, rinfo));
    if (family === 4) {
      this.sock4 = sock;
      this.ready4 = ready;
    } else {
      this.sock6 = sock;
      this.ready6 = ready;
    }
    return ready;
  }

  /** Make sure the socket for this host's family is bound. */
  ready(host: string): Promise<void> {
    return this.open(host.includes(":") ? 6 : 4);
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.stats.rx++;
    let pkt: ParsedPacket;
    try {
      pkt = parsePacket(msg);
    } catch {
      this.stats.dropped++;
      return;
    }
    const from: Remote = { address: rinfo.address, port: rinfo.port };
    if (pkt.kind === "v20") {
      let sid = pkt.raw.sessionId;
      if (sid === 0 && pkt.raw.payloadType >= 0x11 && pkt.raw.payloadType <= 0x15 && pkt.raw.payload.length >= 8) sid = pkt.raw.payload.readUInt32LE(4);
      if (sid !== 0) {
        const l = this.bySid.get(sid);
        if (l) {
          l(pkt, from);
          return;
        }
      }
    }
    const set = this.byEndpoint.get(endpointKey(from.address, from.port));
    if (!set || set.size === 0) {
      this.stats.undeliverable++;
      return;
    }
    for (const l of [...set]) l(pkt, from);
  }

  /** Allocate a unique non-zero console session ID and attach a listener to it. */
  allocateSid(listener: PacketListener): number {
    for (;;) {
      const sid = pooledRandom(4).readUInt32LE(0);
      if (sid === 0) continue;
      if (!this.bySid.has(sid)) {
        this.bySid.set(sid, listener);
        this.updateRef();
        return sid;
      }
    }
  }

  releaseSid(sid: number): void {
    this.bySid.delete(sid);
    this.updateRef();
  }

  addEndpointListener(host: string, port: number, l: PacketListener): void {
    const k = endpointKey(host, port);
    let s = this.byEndpoint.get(k);
    if (!s) this.byEndpoint.set(k, (s = new Set()));
    s.add(l);
    this.updateRef();
  }

  removeEndpointListener(host: string, port: number, l: PacketListener): void {
    const k = endpointKey(host, port);
    const s = this.byEndpoint.get(k);
    if (!s) return;
    s.delete(l);
    if (s.size === 0) this.byEndpoint.delete(k);
    this.updateRef();
  }

  private queue: { buf: Buffer; host: string; port: number; onError?: (e: IpmiNetworkError) => void }[] = [];
  private flushScheduled = false;

  /**
   * Fire-and-forget send; send errors go to onError (they are rare for UDP).
   * Datagrams are queued and flushed once per event-loop turn, so replies
   * handled in one turn go out as one burst (fewer receiver wake-ups).
   */
  send(buf: Buffer, host: string, port: number, onError?: (e: IpmiNetworkError) => void): void {
    const sock = host.includes(":") ? this.sock6 : this.sock4;
    if (!sock) {
      onError?.(new IpmiNetworkError("transport not ready"));
      return;
    }
    if (!this.batch) {
      this.sendNow(buf, host, port, onError);
      return;
    }
    this.queue.push({ buf, host, port, onError });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  // One timer for all retransmission deadlines: entries are kept sorted by
  // deadline (almost always an append); cancelled entries are skipped lazily.
  private timers: TimerEntry[] = [];
  private timerHead = 0;
  private timerHandle: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  /** Call fn after ms unless the returned entry is cancelled (entry.cancelled = true). */
  schedule(ms: number, fn: () => void): TimerEntry {
    const e: TimerEntry = { at: performance.now() + ms, fn, cancelled: false };
    const t = this.timers;
    if (t.length === this.timerHead || t[t.length - 1].at <= e.at) t.push(e);
    else {
      let lo = this.timerHead;
      let hi = t.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (t[mid].at <= e.at) lo = mid + 1;
        else hi = mid;
      }
      t.splice(lo, 0, e);
    }
    if (e.at < this.timerAt) this.armTimer();
    return e;
  }

  private armTimer(): void {
    const t = this.timers;
    while (this.timerHead < t.length && t[this.timerHead].cancelled) this.timerHead++;
    if (this.timerHead > 1024 && this.timerHead * 2 > t.length) {
      this.timers = t.slice(this.timerHead);
      this.timerHead = 0;
    }
    if (this.timerHead >= this.timers.length) {
      if (this.timerHandle) clearTimeout(this.timerHandle);
      this.timerHandle = null;
      this.timerAt = Infinity;
      this.timers = [];
      this.timerHead = 0;
      return;
    }
    const at = this.timers[this.timerHead].at;
    if (this.timerHandle && at >= this.timerAt) return;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerAt = at;
    this.timerHandle = setTimeout(this.fireTimers, Math.max(0, at - performance.now()));
    // the socket is ref'd while sessions exist; a stale deadline must not keep a CLI alive
    this.timerHandle.unref();
  }

  private readonly fireTimers = (): void => {
    this.timerHandle = null;
    this.timerAt = Infinity;
    const now = performance.now();
    const due: TimerEntry[] = [];
    const t = this.timers;
    while (this.timerHead < t.length && t[this.timerHead].at <= now + 1) due.push(t[this.timerHead++]);
    for (const e of due) {
      if (e.cancelled) continue;
      e.cancelled = true;
      try {
        e.fn();
      } catch {
        /* a failing callback must not break other timers */
      }
    }
    this.armTimer();
  };

  /** batch sends per event-loop turn (default true) */
  batch = process.env.IPMI_NO_BATCH ? false : true;

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const q = this.queue;
    this.queue = [];
    for (const m of q) this.sendNow(m.buf, m.host, m.port, m.onError);
  };

  private sendNow(buf: Buffer, host: string, port: number, onError?: (e: IpmiNetworkError) => void): void {
    const sock = host.includes(":") ? this.sock6 : this.sock4;
    if (!sock) return;
    this.stats.tx++;
    if (onError)
      sock.send(buf, port, host, (err) => {
        if (err) onError(new IpmiNetworkError(`send to ${host}:${port} failed: ${err.message}`, { cause: err }));
      });
    else sock.send(buf, port, host);
  }

  /** Keep the process alive only while sessions or requests are registered. */
  private updateRef(): void {
    const busy = this.bySid.size > 0 || this.byEndpoint.size > 0;
    for (const s of [this.sock4, this.sock6]) {
      if (!s) continue;
      try {
        if (busy) s.ref();
        else s.unref();
      } catch {
        /* not bound yet */
      }
    }
  }

  get activeSessions(): number {
    return this.bySid.size;
  }

  close(): void {
    this.closed = true;
    for (const s of [this.sock4, this.sock6]) {
      try {
        s?.close();
      } catch {
        /* already closed */
      }
    }
    this.sock4 = this.sock6 = null;
  }
}

export function endpointKey(host: string, port: number): string {
  return `${host}|${port}`;
}
