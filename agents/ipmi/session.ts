/**
 * RMCP+ session: Get Channel Auth Capabilities, Open Session, RAKP 1-4
 * (RAKP-HMAC-SHA1), HMAC-SHA1-96 integrity, AES-CBC-128 confidentiality,
 * sequence numbers with an inbound replay window, retransmission, pipelined
 * requests (up to `maxOutstanding` in flight, matched on rqSeq + cmd), Close.
 */
import { isIP } from "node:net";
import { lookup } from "node:dns/promises";
import * as C from "./codec";
import type { ParsedPacket } from "./codec";
import {
  DecodeError,
  IpmiAuthError,
  IpmiError,
  IpmiNetworkError,
  IpmiPrivilegeError,
  IpmiProtocolError,
  IpmiTimeoutError,
  completionCodeError,
} from "./errors";
import { IpmiTransport, pooledRandom, type PacketListener, type Remote, type TimerEntry } from "./transport";

export type PrivilegeName = "callback" | "user" | "operator" | "administrator";
export const PRIVILEGE_LEVEL: Record<PrivilegeName, number> = { callback: 1, user: 2, operator: 3, administrator: 4 };

export interface SessionOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  /** BMC key (KG); defaults to the password (Kuid) as the spec says */
  kg?: string | Buffer;
  privilege?: PrivilegeName;
  /** per attempt, ms (default 1000) */
  timeoutMs?: number;
  /** retransmissions after the first attempt (default 2) */
  retries?: number;
  /** cipher suite to negotiate: 3 (default) or 0 (only with allowCipherZero) */
  cipherSuite?: 0 | 3;
  allowCipherZero?: boolean;
  transport?: IpmiTransport;
  /** requests in flight at once on this session (default 8) */
  maxOutstanding?: number;
  /** responder slave address of the BMC (default 0x20) */
  rsAddr?: number;
}

export interface RawResponse {
  cc: number;
  data: Buffer;
}

interface Pending {
  netFn: number;
  cmd: number;
  rqSeq: number;
  msg: Buffer;
  attempts: number;
  timer: TimerEntry | null;
  resolve: (r: RawResponse) => void;
  reject: (e: IpmiError) => void;
  sessionless: boolean;
}

interface Waiter {
  payloadType: number;
  tag: number;
  resolve: (payload: Buffer) => void;
}

const RAKP_STATUS: Record<number, string> = {
  0x01: "insufficient resources to create a session",
  0x02: "invalid session ID",
  0x03: "invalid payload type",
  0x04: "invalid authentication algorithm",
  0x05: "invalid integrity algorithm",
  0x06: "no matching authentication payload",
  0x07: "no matching integrity payload",
  0x08: "inactive session ID",
  0x09: "invalid role",
  0x0a: "unauthorized role or privilege level requested",
  0x0b: "insufficient resources to create a session at the requested role",
  0x0c: "invalid name length",
  0x0d: "unauthorized name (unknown user)",
  0x0e: "unauthorized GUID",
  0x0f: "invalid integrity check value (wrong password or BMC key)",
  0x10: "invalid confidentiality algorithm",
  0x11: "no cipher suite match with proposed security algorithms",
  0x12: "illegal or unrecognized parameter",
};

function rakpError(step: string, status: number, target: string): IpmiError {
  const text = `${step} failed: ${RAKP_STATUS[status] ?? "status 0x" + status.toString(16)} (0x${status.toString(16).padStart(2, "0")})`;
  if (status === 0x0d || status === 0x0e || status === 0x0f || status === 0x0c) return new IpmiAuthError(text, { target });
  if (status === 0x09 || status === 0x0a || status === 0x0b) return new IpmiPrivilegeError(text, status, { target });
  return new IpmiProtocolError(text, status, { target });
}

export interface AuthCapabilities {
  channel: number;
  authTypes: number;
  extended: boolean;
  kgNonZero: boolean;
  perMessageAuthDisabled: boolean;
  userLevelAuthDisabled: boolean;
  nonNullUsers: boolean;
  nullUsers: boolean;
  anonymousLogin: boolean;
  ipmi20: boolean;
  ipmi15: boolean;
}

export function parseAuthCapabilities(d: Buffer): AuthCapabilities {
  C.need(d, 4, "Get Channel Auth Capabilities");
  const ext = (d[1] & 0x80) !== 0;
  return {
    channel: d[0],
    authTypes: d[1] & 0x3f,
    extended: ext,
    kgNonZero: (d[2] & 0x20) !== 0,
    perMessageAuthDisabled: (d[2] & 0x10) !== 0,
    userLevelAuthDisabled: (d[2] & 0x08) !== 0,
    nonNullUsers: (d[2] & 0x04) !== 0,
    nullUsers: (d[2] & 0x02) !== 0,
    anonymousLogin: (d[2] & 0x01) !== 0,
    ipmi20: ext && (d[3] & 0x02) !== 0,
    ipmi15: ext ? (d[3] & 0x01) !== 0 : true,
  };
}

type State = "new" | "handshake" | "active" | "closed";

const EMPTY = new Uint8Array(0);

/**
 * Inbound session sequence numbers: accept each number once, within 32 behind
 * the highest seen; anything newer moves the window. Zero is never valid.
 * Only packets that passed the integrity check are fed here.
 */
export class ReplayWindow {
  private high = 0;
  private mask = 0;
  constructor(private readonly size = 32) {}
  accept(seq: number): boolean {
    seq >>>= 0;
    if (seq === 0) return false;
    if (this.high === 0) {
      this.high = seq;
      this.mask = 1;
      return true;
    }
    if (seq > this.high) {
      const shift = seq - this.high;
      this.mask = shift >= 32 ? 1 : ((this.mask << shift) | 1) >>> 0;
      this.high = seq;
      return true;
    }
    const back = this.high - seq;
    if (back >= this.size) return false;
    const bit = (1 << back) >>> 0;
    if (this.mask & bit) return false;
    this.mask = (this.mask | bit) >>> 0;
    return true;
  }
}

export class IpmiSession {
  readonly host: string;
  readonly port: number;
  readonly target: string;
  private addr = "";
  private readonly transport: IpmiTransport;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly privilege: number;
  private readonly cipher: 0 | 3;
  private readonly maxOutstanding: number;
  private readonly rsAddr: number;
  private state: State = "new";
  private sidm = 0;
  private sidc = 0;
  private keys: C.SessionKeys | null = null;
  private outSeq = 1;
  private readonly replay = new ReplayWindow();
  private rqSeq = 0;
  private readonly pending = new Map<number, Pending>();
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private waiter: Waiter | null = null;
  private readonly iv = Buffer.allocUnsafe(16);
  private readonly endpointListener: PacketListener;
  private endpointRegistered = false;
  guid: Buffer | null = null;
  authCaps: AuthCapabilities | null = null;
  /** packets sent (including retransmissions), for diagnostics */
  sent = 0;
  retransmits = 0;

  constructor(private readonly opts: SessionOptions) {
    this.host = opts.host;
    this.port = opts.port ?? 623;
    this.target = `${opts.host}:${this.port}`;
    this.transport = opts.transport ?? IpmiTransport.shared();
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.retries = opts.retries ?? 2;
    this.privilege = PRIVILEGE_LEVEL[opts.privilege ?? "administrator"];
    if (!this.privilege) throw new IpmiProtocolError(`unknown privilege level ${String(opts.privilege)}`);
    this.cipher = opts.cipherSuite ?? 3;
    this.maxOutstanding = Math.max(1, Math.min(opts.maxOutstanding ?? 8, 32));
    this.rsAddr = opts.rsAddr ?? 0x20;
    this.endpointListener = (pkt, from) => this.onPacket(pkt, from);
    if (Buffer.byteLength(opts.username, "utf8") > 16) throw new IpmiAuthError("user name longer than 16 bytes", { target: this.target });
  }

  get isActive(): boolean {
    return this.state === "active";
  }

  /** Establish the session (auth caps, Open Session, RAKP 1-4, Set Session Privilege). */
  async open(): Promise<void> {
    if (this.state !== "new") throw new IpmiProtocolError("session already opened", undefined, { target: this.target });
    if (this.cipher === 0 && !this.opts.allowCipherZero)
      throw new IpmiAuthError("cipher suite 0 (no authentication, no encryption) is refused for this BMC; set allowCipherZero to permit it", { target: this.target });
    this.state = "handshake";
    try {
      this.addr = await resolveHost(this.host, this.target);
      await this.transport.ready(this.addr);
      this.transport.addEndpointListener(this.addr, this.port, this.endpointListener);
      this.endpointRegistered = true;
      // Get Channel Auth Capabilities and Open Session go out together; the
      // capabilities are checked before RAKP 1 reveals the user name.
      const capsP = this.sessionlessRequest(0x06, 0x38, Buffer.from([0x8e, this.privilege])).then((d) => {
        this.authCaps = parseAuthCapabilities(d);
        if (!this.authCaps.ipmi20) throw new IpmiProtocolError("BMC does not offer IPMI v2.0 / RMCP+ on this channel", undefined, { target: this.target });
        return this.authCaps;
      });
      let capsError: unknown = null;
      capsP.catch((e: unknown) => {
        capsError = e;
      });
      let lastErr: IpmiError | null = null;
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        try {
          await this.handshake(capsP);
          lastErr = null;
          break;
        } catch (e) {
          if (this.sidm) {
            this.transport.releaseSid(this.sidm);
            this.sidm = 0;
          }
          if (capsError) throw capsError; // no point in new handshakes: the channel check failed
          if (e instanceof IpmiTimeoutError) {
            lastErr = e;
            continue; // restart the handshake with a new SIDm (retried RAKP is unreliable)
          }
          throw e;
        }
      }
      if (lastErr) throw lastErr;
      this.state = "active";
      if (this.privilege > 2) {
        const r = await this.request(0x06, 0x3b, Buffer.from([this.privilege]));
        if (r.cc !== 0) throw completionCodeError(r.cc, "Set Session Privilege Level", this.target, [0x80, 0x81, 0xd4]);
      }
    } catch (e) {
      this.teardown(e instanceof IpmiError ? e : new IpmiProtocolError(String(e), undefined, { target: this.target }));
      if (e instanceof DecodeError) throw new DecodeError(e.message, { target: this.target });
      throw e;
    }
  }

  private async handshake(capsP: Promise<AuthCapabilities>): Promise<void> {
    const tagBase = pooledRandom(1)[0];
    this.sidm = this.transport.allocateSid(this.endpointListener);
    // Open Session
    const osp = await this.exchange(C.PAYLOAD_OPEN_SESSION_REQ, C.PAYLOAD_OPEN_SESSION_RSP, tagBase, C.buildOpenSessionRequest({ tag: tagBase, privilege: this.privilege, consoleSessionId: this.sidm, cipherSuite: this.cipher }));
    const os = C.parseOpenSessionResponse(osp);
    if (os.status !== 0) throw rakpError("Open Session", os.status, this.target);
    if (os.consoleSessionId !== this.sidm) throw new IpmiProtocolError("Open Session: console session ID mismatch", undefined, { target: this.target });
    const negotiated = os.authAlg === 1 && os.integrityAlg === 1 && os.confAlg === 1 ? 3 : os.authAlg === 0 && os.integrityAlg === 0 && os.confAlg === 0 ? 0 : -1;
    if (negotiated !== this.cipher) {
      if (negotiated === 0 && !this.opts.allowCipherZero) throw new IpmiAuthError("BMC tried to negotiate cipher suite 0 (no authentication); refused", { target: this.target });
      throw new IpmiProtocolError(`BMC answered with algorithms auth=${os.authAlg} integrity=${os.integrityAlg} conf=${os.confAlg}, not cipher suite ${this.cipher}`, undefined, { target: this.target });
    }
    this.sidc = os.bmcSessionId;
    if (this.sidc === 0) throw new IpmiProtocolError("Open Session: BMC session ID 0", undefined, { target: this.target });

    await capsP;
    // RAKP 1/2
    const rm = pooledRandom(16);
    const role = 0x10 | this.privilege; // name-only lookup, explicit privilege
    const uname = Buffer.from(this.opts.username, "utf8");
    const pw = C.passwordKey(this.opts.password);
    const kg = this.opts.kg === undefined ? null : typeof this.opts.kg === "string" ? Buffer.from(this.opts.kg, "utf8") : this.opts.kg;
    const tag2 = (tagBase + 1) & 0xff;
    const r2p = await this.exchange(C.PAYLOAD_RAKP1, C.PAYLOAD_RAKP2, tag2, C.buildRakp1(tag2, this.sidc, rm, role, uname));
    const authLen = this.cipher === 3 ? 20 : 0;
    const r2 = C.parseRakp2(r2p, authLen);
    if (r2.status !== 0) throw rakpError("RAKP 2", r2.status, this.target);
    if (r2.consoleSessionId !== this.sidm) throw new IpmiProtocolError("RAKP 2: console session ID mismatch", undefined, { target: this.target });
    const inputs: C.RakpInputs = { sidm: this.sidm, sidc: this.sidc, rm, rc: r2.rc, guid: r2.guid, role, username: uname, password: pw, kg };
    this.guid = r2.guid;
    const tag3 = (tagBase + 2) & 0xff;
    if (this.cipher === 3) {
      if (!C.safeEqual(C.rakp2AuthCode(inputs), r2.authCode)) {
        // do not send RAKP3: the BMC would just drop the session (status 0x0F)
        this.fireAndForgetRakp3(tag3, 0x0f);
        throw new IpmiAuthError("RAKP 2 HMAC is invalid: wrong password for this user", { target: this.target });
      }
    }
    const r3 = C.buildRakp3(tag3, 0, this.sidc, this.cipher === 3 ? C.rakp3AuthCode(inputs) : Buffer.alloc(0));
    const r4p = await this.exchange(C.PAYLOAD_RAKP3, C.PAYLOAD_RAKP4, tag3, r3);
    const r4 = C.parseRakp4(r4p, this.cipher === 3 ? 12 : 0);
    if (r4.status !== 0) throw rakpError("RAKP 4", r4.status, this.target);
    if (this.cipher === 3) {
      const sik = C.rakpSik(inputs);
      if (!C.safeEqual(C.rakp4Icv(sik, inputs), r4.icv)) throw new IpmiAuthError("RAKP 4 integrity check value is invalid (wrong BMC key KG?)", { target: this.target });
      this.keys = C.deriveKeys(sik);
    }
  }

  private fireAndForgetRakp3(tag: number, status: number): void {
    try {
      this.transport.send(C.buildV20Packet(C.PAYLOAD_RAKP3, 0, 0, C.buildRakp3(tag, status, this.sidc, Buffer.alloc(0)), null), this.addr, this.port);
    } catch {
      /* best effort */
    }
  }

  /** One handshake message and its answer (single attempt: the caller restarts the handshake on timeout). */
  private exchange(reqType: number, rspType: number, tag: number, payload: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new IpmiTimeoutError(`no answer to ${payloadName(reqType)} within ${this.timeoutMs} ms`, { target: this.target }));
      }, this.timeoutMs);
      this.waiter = {
        payloadType: rspType,
        tag,
        resolve: (p) => {
          clearTimeout(timer);
          this.waiter = null;
          resolve(p);
        },
      };
      this.sent++;
      this.transport.send(C.buildV20Packet(reqType, 0, 0, payload, null), this.addr, this.port, (e) => {
        clearTimeout(timer);
        this.waiter = null;
        reject(e);
      });
    });
  }

  private onPacket(pkt: ParsedPacket, from: Remote): void {
    if (from.port !== this.port || from.address !== this.addr) return;
    try {
      if (pkt.kind === "v15") {
        if (pkt.sessionId !== 0) return;
        this.onResponse(C.parseIpmiResponse(pkt.msg), true);
        return;
      }
      if (pkt.kind !== "v20") return;
      const raw = pkt.raw;
      if (raw.payloadType === C.PAYLOAD_IPMI) {
        if (this.state !== "active" && !(this.state === "handshake" && this.sidc)) return;
        if (raw.sessionId !== this.sidm) return;
        if (this.keys) {
          if (!raw.authenticated || !raw.encrypted) return; // plain packets in an encrypted session are dropped
          if (!C.verifyIntegrity(this.keys.k1, raw)) return;
        } else if (raw.encrypted || raw.authenticated) return;
        if (!this.acceptSeq(raw.seq)) return;
        const payload = this.keys ? C.decryptSessionPayload(this.keys, raw.payload) : raw.payload;
        this.onResponse(C.parseIpmiResponse(payload), false);
        return;
      }
      const w = this.waiter;
      if (w && raw.payloadType === w.payloadType && raw.payload.length >= 1 && raw.payload[0] === w.tag) w.resolve(raw.payload);
    } catch {
      // malformed (DecodeError): drop, the request will be retransmitted or time out
    }
  }

  private acceptSeq(seq: number): boolean {
    return this.replay.accept(seq);
  }

  private onResponse(r: C.IpmiResponseMsg, sessionless: boolean): void {
    const p = this.pending.get(r.rqSeq);
    if (!p || p.sessionless !== sessionless || p.cmd !== r.cmd || p.netFn + 1 !== r.netFn) return;
    this.pending.delete(r.rqSeq);
    if (p.timer) p.timer.cancelled = true;
    p.resolve({ cc: r.cc, data: r.data });
  }

  private nextRqSeq(): number {
    for (let i = 0; i < 64; i++) {
      this.rqSeq = (this.rqSeq + 1) & 0x3f;
      if (!this.pending.has(this.rqSeq)) return this.rqSeq;
    }
    throw new IpmiProtocolError("no free request sequence number", undefined, { target: this.target });
  }

  private transmit(p: Pending): void {
    p.attempts++;
    if (p.attempts > 1) this.retransmits++;
    let pkt: Buffer;
    if (p.sessionless) {
      pkt = C.buildV15Packet(p.msg);
    } else {
      const seq = this.outSeq;
      this.outSeq = (this.outSeq + 1) >>> 0 || 1;
      pkt = C.buildV20Packet(C.PAYLOAD_IPMI, this.sidc, seq, p.msg, this.keys, this.keys ? C.nextIv(this.iv) : undefined);
    }
    this.sent++;
    const wait = Math.round(this.timeoutMs * (1 + 0.5 * (p.attempts - 1))); // mild backoff
    p.timer = this.transport.schedule(wait, () => this.onTimeout(p));
    this.transport.send(pkt, this.addr, this.port, (e) => this.fail(p, e));
  }

  private onTimeout(p: Pending): void {
    if (this.pending.get(p.rqSeq) !== p) return;
    p.timer = null;
    if (p.attempts > this.retries) {
      this.fail(p, new IpmiTimeoutError(`no answer to netFn 0x${p.netFn.toString(16)} cmd 0x${p.cmd.toString(16)} after ${p.attempts} attempts`, { target: this.target }));
      return;
    }
    this.transmit(p);
  }

  private fail(p: Pending, e: IpmiError): void {
    if (this.pending.get(p.rqSeq) !== p) return;
    this.pending.delete(p.rqSeq);
    if (p.timer) p.timer.cancelled = true;
    p.reject(e);
  }

  /** Free an in-flight slot, or hand it straight to the next queued request. */
  private releaseSlot(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }

  private sendRequest(netFn: number, cmd: number, data: Uint8Array, sessionless: boolean): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const rqSeq = this.nextRqSeq();
      const p: Pending = { netFn, cmd, rqSeq, msg: C.buildIpmiRequest(netFn, cmd, rqSeq, data, this.rsAddr), attempts: 0, timer: null, resolve, reject, sessionless };
      this.pending.set(rqSeq, p);
      this.transmit(p);
    });
  }

  private async sessionlessRequest(netFn: number, cmd: number, data: Uint8Array): Promise<Buffer> {
    const r = await this.sendRequest(netFn, cmd, data, true);
    if (r.cc !== 0) throw completionCodeError(r.cc, `session-less netFn 0x${netFn.toString(16)} cmd 0x${cmd.toString(16)}`, this.target);
    return r.data;
  }

  /** Send a request in the session; resolves with the completion code and data. */
  request(netFn: number, cmd: number, data: Uint8Array = EMPTY, lun = 0): Promise<RawResponse> {
    if (this.state !== "active") return Promise.reject(new IpmiProtocolError(`session is ${this.state}`, undefined, { target: this.target }));
    if (this.inFlight < this.maxOutstanding) {
      this.inFlight++;
      return this.sendInSession(netFn, cmd, data, lun);
    }
    // wait for a slot; releaseSlot hands it over without decrementing
    return new Promise<void>((r) => this.queue.push(r)).then(() => {
      if (this.state !== "active") throw new IpmiProtocolError(`session is ${this.state}`, undefined, { target: this.target });
      return this.sendInSession(netFn, cmd, data, lun);
    });
  }

  /** In-session request holding a slot; the slot is released exactly once when it settles. */
  private sendInSession(netFn: number, cmd: number, data: Uint8Array, lun = 0): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      let rqSeq: number;
      try {
        rqSeq = this.nextRqSeq();
      } catch (e) {
        this.releaseSlot();
        reject(e);
        return;
      }
      const p: Pending = {
        netFn,
        cmd,
        rqSeq,
        msg: C.buildIpmiRequest(netFn, cmd, rqSeq, data, this.rsAddr, 0x81, lun),
        attempts: 0,
        timer: null,
        resolve: (r) => {
          this.releaseSlot();
          resolve(r);
        },
        reject: (e) => {
          this.releaseSlot();
          reject(e);
        },
        sessionless: false,
      };
      this.pending.set(rqSeq, p);
      this.transmit(p);
    });
  }

  /** Like request(), but throws a typed error on a non-zero completion code. */
  async command(netFn: number, cmd: number, data: Uint8Array = EMPTY, what = `netFn 0x${netFn.toString(16)} cmd 0x${cmd.toString(16)}`): Promise<Buffer> {
    const r = await this.request(netFn, cmd, data);
    if (r.cc !== 0) throw completionCodeError(r.cc, what, this.target);
    return r.data;
  }

  /**
   * Close Session and release local resources. With `wait` (default) the
   * answer is awaited (one attempt, at most min(timeoutMs, 500) ms); sweeps
   * pass false and fire it off: a lost Close only means the BMC times the
   * session out itself.
   */
  async close(wait = true): Promise<void> {
    if (this.state === "active") {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32LE(this.sidc >>> 0, 0);
      const rq = this.nextRqSeq();
      const msg = C.buildIpmiRequest(0x06, 0x3c, rq, b, this.rsAddr);
      if (wait) {
        await new Promise<void>((resolve) => {
          const p: Pending = { netFn: 0x06, cmd: 0x3c, rqSeq: rq, msg, attempts: this.retries, timer: null, resolve: () => resolve(), reject: () => resolve(), sessionless: false };
          this.pending.set(rq, p);
          this.transmit(p); // attempts = retries: no retransmission, times out after one wait
          const t = setTimeout(resolve, Math.min(this.timeoutMs, 500));
          t.unref();
        });
      } else {
        const seq = this.outSeq;
        this.outSeq = (this.outSeq + 1) >>> 0 || 1;
        const pkt = C.buildV20Packet(C.PAYLOAD_IPMI, this.sidc, seq, msg, this.keys, this.keys ? C.nextIv(this.iv) : undefined);
        this.sent++;
        this.transport.send(pkt, this.addr, this.port);
      }
    }
    this.teardown(null);
  }

  /** Drop the session immediately (no Close Session), failing outstanding requests with `reason`. */
  abort(reason: IpmiError): void {
    this.teardown(reason);
  }

  private teardown(reason: IpmiError | null): void {
    this.state = "closed";
    if (this.pending.size > 0) reason ??= new IpmiProtocolError("session closed", undefined, { target: this.target });
    for (const p of this.pending.values()) {
      if (p.timer) p.timer.cancelled = true;
      p.reject(reason!);
    }
    this.pending.clear();
    for (const q of this.queue.splice(0)) q(); // they see the closed state and fail
    this.inFlight = 0;
    if (this.sidm) this.transport.releaseSid(this.sidm);
    this.sidm = 0;
    if (this.endpointRegistered) this.transport.removeEndpointListener(this.addr, this.port, this.endpointListener);
    this.endpointRegistered = false;
  }
}

function payloadName(t: number): string {
  return ({ 0x10: "Open Session", 0x12: "RAKP 1", 0x14: "RAKP 3" } as Record<number, string>)[t] ?? `payload 0x${t.toString(16)}`;
}

const hostCache = new Map<string, string>();
async function resolveHost(host: string, target: string): Promise<string> {
  if (isIP(host)) return host;
  const c = hostCache.get(host);
  if (c) return c;
  try {
    const r = await lookup(host);
    hostCache.set(host, r.address);
    return r.address;
  } catch (e) {
    throw new IpmiNetworkError(`cannot resolve ${host}: ${(e as Error).message}`, { cause: e, target });
  }
}

/** ASF presence ping: resolves with whether the host answers and advertises IPMI. */
export async function asfPing(host: string, port = 623, timeoutMs = 1000, transport = IpmiTransport.shared()): Promise<{ ipmiSupported: boolean; rttMs: number }> {
  const addr = await resolveHost(host, `${host}:${port}`);
  await transport.ready(addr);
  const tag = pooledRandom(1)[0] & 0xfe;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const l: PacketListener = (pkt) => {
      if (pkt.kind !== "asf" || pkt.pong.tag !== tag) return;
      done();
      resolve({ ipmiSupported: pkt.pong.ipmiSupported, rttMs: performance.now() - t0 });
    };
    const timer = setTimeout(() => {
      done();
      reject(new IpmiTimeoutError(`no ASF pong within ${timeoutMs} ms`, { target: `${host}:${port}` }));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      transport.removeEndpointListener(addr, port, l);
    };
    transport.addEndpointListener(addr, port, l);
    transport.send(C.buildAsfPing(tag), addr, port, (e) => {
      done();
      reject(e);
    });
  });
}
