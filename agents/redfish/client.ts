/**
 * Redfish transport: HTTPS (node:https) with the BMC certificate pinned on
 * first use, session authentication (SessionService, X-Auth-Token) with a
 * basic-auth fallback, bounded concurrency, link and @odata.nextLink following,
 * and zod validation of every payload. Everything that goes wrong surfaces as
 * a RedfishError with a code (timeout, auth, privilege, tls-mismatch,
 * protocol, network).
 *
 * Pinning happens in the agent's createConnection: a TLS connection is handed
 * to HTTP only after the presented certificate's SHA-256 fingerprint matched,
 * so a mismatching BMC never receives a byte of HTTP (no credentials, no
 * request at all).
 */
import https from "node:https";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import type { ClientRequestArgs } from "node:http";
import { z } from "zod";
import { RedfishError, toRedfishError } from "./errors";
import { ZCollection, ZServiceRoot, type TServiceRoot } from "./schemas";
import { redfishOrigin } from "./url";

export interface RedfishConnectOptions {
  url: string;
  username: string;
  password: string;
  pinnedFingerprint?: string | null;
  timeoutMs?: number;
  concurrency?: number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 1000;
const MAX_MEMBERS = 20_000;
const LOGOUT_BUDGET_MS = 2_000;

/** "ab:cd…", "ABCD…" → "AB:CD:…" (hex, colon-separated, upper-case). */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, "").toUpperCase();
  return (hex.match(/.{1,2}/g) ?? []).join(":");
}

class Limiter {
  private active = 0;
  private queue: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

interface PinState {
  expected: string | null;
  seen: string | null;
}

/** An https.Agent whose connections are handed over only after the certificate check. */
class PinningAgent extends https.Agent {
  constructor(
    private readonly pin: PinState,
    private readonly connectTimeoutMs: () => number,
    maxSockets: number,
  ) {
    super({ keepAlive: true, maxSockets, maxCachedSessions: 0, rejectUnauthorized: false });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const cb = callback ?? (() => {});
    const o = options as tls.ConnectionOptions & { host?: string; port?: number };
    const socket = tls.connect({
      host: o.host,
      port: o.port,
      servername: o.servername || undefined,
      rejectUnauthorized: false, // BMCs present self-signed certificates: trust is the pinned fingerprint
      ALPNProtocols: ["http/1.1"],
    });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        cb(err, socket);
      } else cb(null, socket);
    };
    const ms = this.connectTimeoutMs();
    const timer = setTimeout(() => finish(new RedfishError("timeout", `TLS connection to ${o.host}:${o.port} not established within ${ms} ms`)), ms);
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.fingerprint256) {
        finish(new RedfishError("tls-mismatch", "the BMC presented no certificate"));
        return;
      }
      const fp = normalizeFingerprint(cert.fingerprint256);
      if (this.pin.seen === null) this.pin.seen = fp;
      const expected = this.pin.expected ?? this.pin.seen;
      if (fp !== expected) {
        finish(
          new RedfishError(
            "tls-mismatch",
            `the BMC certificate fingerprint ${fp} differs from the pinned ${expected}; credentials were not sent. ` +
              `If the BMC certificate was replaced on purpose, clear the pinned fingerprint and probe again.`,
          ),
        );
        return;
      }
      finish(null);
    });
    socket.once("error", (e) => finish(toRedfishError(e)));
    return undefined;
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function redfishMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown; "@Message.ExtendedInfo"?: Array<{ Message?: unknown }> } };
    const m = j.error?.["@Message.ExtendedInfo"]?.[0]?.Message ?? j.error?.message;
    return typeof m === "string" ? m : "";
  } catch {
    return "";
  }
}

export class RedfishClient {
  readonly origin: string;
  /** Budget of the whole operation (probe or power action), from open() to close(). */
  readonly timeoutMs: number;
  readonly deadline: number;
  private readonly pin: PinState;
  private readonly agent: PinningAgent;
  private readonly limiter: Limiter;
  private readonly username: string;
  private readonly password: string;
  private token: string | null = null;
  private sessionPath: string | null = null;
  private sessionsLink: string | null = null;
  private mode: "none" | "session" | "basic" = "none";
  private closed = false;
  root!: TServiceRoot;

  private constructor(opts: RedfishConnectOptions) {
    const o = redfishOrigin(opts.url);
    if (!o.ok) throw new RedfishError("protocol", o.message);
    this.origin = o.origin;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.deadline = Date.now() + this.timeoutMs;
    const concurrency = Math.max(1, Math.min(32, opts.concurrency ?? 4));
    this.pin = { expected: opts.pinnedFingerprint ? normalizeFingerprint(opts.pinnedFingerprint) : null, seen: null };
    this.agent = new PinningAgent(this.pin, () => this.remainingMs(LOGOUT_BUDGET_MS), concurrency);
    this.limiter = new Limiter(concurrency);
    this.username = opts.username;
    this.password = opts.password;
  }

  /** Connect, read the service root and log in (session, else basic). */
  static async open(opts: RedfishConnectOptions): Promise<RedfishClient> {
    const c = new RedfishClient(opts);
    try {
      const r = await c.raw("GET", "/redfish/v1/", { auth: false });
      if (r.status === 401) {
        // some BMCs protect even the service root
        c.sessionsLink = "/redfish/v1/SessionService/Sessions";
        await c.login();
        c.root = await c.get("/redfish/v1/", ZServiceRoot);
      } else {
        if (r.status !== 200) {
          const m = redfishMessage(r.text);
          throw new RedfishError("protocol", `the Redfish service root /redfish/v1/ answered HTTP ${r.status}${m ? `: ${m}` : ""}; is this a Redfish BMC?`, {
            status: r.status,
            url: c.origin + "/redfish/v1/",
          });
        }
        c.root = c.parse("/redfish/v1/", r, ZServiceRoot);
        const link = c.root.Links?.Sessions?.["@odata.id"] ?? (c.root.SessionService ? "/redfish/v1/SessionService/Sessions" : null);
        c.sessionsLink = link ? c.resolveLink(link) : null;
        await c.login();
      }
      return c;
    } catch (e) {
      await c.close();
      throw e;
    }
  }

  /** Time left before the deadline (at least `floor` ms, so that logout still gets a chance). */
  remainingMs(floor = 1): number {
    return Math.max(floor, this.deadline - Date.now());
  }

  /** SHA-256 fingerprint of the certificate the BMC presented (null before the first connection). */
  get fingerprint(): string | null {
    return this.pin.seen;
  }

  get authMode(): "none" | "session" | "basic" {
    return this.mode;
  }

  private async login(): Promise<void> {
    if (this.sessionsLink) {
      const r = await this.raw("POST", this.sessionsLink, { auth: false, body: { UserName: this.username, Password: this.password } });
      const tok = r.headers["x-auth-token"];
      if (r.status >= 200 && r.status < 300) {
        // any 2xx created a session (201 is usual; 200 and 204 are seen): whatever we opened is closed in close()
        const loc = r.headers.location;
        let sp: string | null = null;
        try {
          if (typeof loc === "string") sp = this.resolveLink(loc);
          else if (r.text) {
            const body = JSON.parse(r.text) as { "@odata.id"?: unknown };
            if (typeof body["@odata.id"] === "string") sp = this.resolveLink(body["@odata.id"]);
          }
        } catch {
          sp = null; // a session we cannot address is simply not logged out
        }
        this.sessionPath = sp;
        if (typeof tok === "string" && tok.length > 0) {
          this.token = tok;
          this.mode = "session";
          return;
        }
        // a session without a token is of no use: basic auth from here on, and the session is deleted at close
      }
      if (r.status === 401 || r.status === 403) {
        throw new RedfishError("auth", `the BMC refused the credentials for user "${this.username}" (HTTP ${r.status}); check the username and password`, {
          status: r.status,
          url: this.origin + this.sessionsLink,
        });
      }
      // 404/405/501 or a session without token: sessions not available, use basic auth
    }
    this.mode = "basic";
  }

  /** Delete the session (best effort) and close every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.sessionPath && this.mode !== "none") {
        await this.raw("DELETE", this.sessionPath, { auth: true, budgetMs: Math.min(LOGOUT_BUDGET_MS, this.timeoutMs), evenIfClosed: true }).catch(() => undefined);
      }
    } finally {
      this.token = null;
      this.agent.destroy();
    }
  }

  /** A link from the BMC → a path on the same origin under /redfish/. Anything else is a protocol error. */
  resolveLink(link: string): string {
    let u: URL;
    try {
      u = new URL(link, this.origin);
    } catch {
      throw new RedfishError("protocol", `the BMC sent an invalid link: ${link}`);
    }
    if (u.origin !== this.origin) throw new RedfishError("protocol", `the BMC sent a link to another host (${u.origin}); not following it`);
    if (!u.pathname.startsWith("/redfish/")) throw new RedfishError("protocol", `the BMC sent a link outside /redfish/: ${link}`);
    return u.pathname + u.search;
  }

  /** One HTTP exchange, under the concurrency limit and the timeout. */
  raw(method: string, path: string, o: { auth: boolean; body?: unknown; budgetMs?: number; evenIfClosed?: boolean }): Promise<RawResponse> {
    return this.limiter.run(
      () =>
        new Promise<RawResponse>((resolve, reject) => {
          // requests still queued when the operation failed are not sent
          if (this.closed && !o.evenIfClosed) return reject(new RedfishError("network", `client closed before ${method} ${path} was sent`));
          const url = this.origin + path;
          const headers: Record<string, string> = { Accept: "application/json", "OData-Version": "4.0" };
          if (o.auth) {
            if (this.mode === "session" && this.token) headers["X-Auth-Token"] = this.token;
            else headers.Authorization = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString("base64")}`;
          }
          let payload: string | undefined;
          if (o.body !== undefined) {
            payload = JSON.stringify(o.body);
            headers["Content-Type"] = "application/json";
            headers["Content-Length"] = String(Buffer.byteLength(payload));
          }
          let settled = false;
          const settle = (err: RedfishError | null, res?: RawResponse) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (err) reject(err);
            else resolve(res!);
          };
          const req = https.request(url, { method, headers, agent: this.agent }, (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (c: Buffer) => {
              size += c.length;
              if (size > MAX_BODY_BYTES) {
                settle(new RedfishError("protocol", `answer from ${path} is larger than ${MAX_BODY_BYTES} bytes`, { url }));
                req.destroy();
              } else chunks.push(c);
            });
            res.on("end", () => settle(null, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
            res.on("error", (e) => settle(toRedfishError(e, url)));
            res.on("aborted", () => settle(new RedfishError("network", `connection closed while reading ${path}`, { url })));
          });
          const timer = setTimeout(() => {
            settle(new RedfishError("timeout", `the BMC did not answer ${method} ${path} in time (operation budget ${this.timeoutMs} ms)`, { url }));
            req.destroy();
          }, o.budgetMs ?? this.remainingMs());
          req.on("error", (e) => settle(toRedfishError(e, url)));
          req.end(payload);
        }),
    );
  }

  parse<S extends z.ZodType>(path: string, r: RawResponse, schema: S): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(r.text);
    } catch {
      throw new RedfishError("protocol", `the BMC answered ${path} with something that is not JSON`, { status: r.status, url: this.origin + path });
    }
    const p = schema.safeParse(json);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new RedfishError(
        "protocol",
        `the BMC answered ${path} with a payload that does not follow the Redfish schema: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`,
        { status: r.status, url: this.origin + path },
      );
    }
    return p.data;
  }

  private async authed(method: string, path: string, body?: unknown): Promise<RawResponse> {
    let r = await this.raw(method, path, { auth: true, body });
    if (r.status === 401 && this.mode === "session") {
      // the session may have expired: log in again, once
      await this.login();
      r = await this.raw(method, path, { auth: true, body });
    }
    if (r.status === 401) {
      throw new RedfishError("auth", `the BMC refused the credentials for user "${this.username}" on ${path} (HTTP 401); check the username and password`, {
        status: 401,
        url: this.origin + path,
      });
    }
    if (r.status === 403) {
      const m = redfishMessage(r.text);
      throw new RedfishError("privilege", `user "${this.username}" may not ${method} ${path} (HTTP 403${m ? `: ${m}` : ""}); use an account with a higher role`, {
        status: 403,
        url: this.origin + path,
      });
    }
    return r;
  }

  /** GET and validate; 404 → null. */
  async getOptional<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | null> {
    const r = await this.authed("GET", path);
    if (r.status === 404) return null;
    if (r.status !== 200) {
      const m = redfishMessage(r.text);
      throw new RedfishError("protocol", `GET ${path} answered HTTP ${r.status}${m ? `: ${m}` : ""}`, { status: r.status, url: this.origin + path });
    }
    return this.parse(path, r, schema);
  }

  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const v = await this.getOptional(path, schema);
    if (v === null) throw new RedfishError("protocol", `the BMC links to ${path} but answers 404 there`, { status: 404, url: this.origin + path });
    return v;
  }

  /** Member paths of a collection, following Members@odata.nextLink, bounded. */
  async collection(link: string, o: { optional?: boolean } = {}): Promise<string[]> {
    const out: string[] = [];
    const seenPages = new Set<string>();
    let next: string | null = this.resolveLink(link);
    while (next !== null) {
      if (seenPages.has(next)) throw new RedfishError("protocol", `the BMC's paging of ${link} loops (${next} twice)`);
      if (seenPages.size >= MAX_PAGES) throw new RedfishError("protocol", `the BMC's collection ${link} has more than ${MAX_PAGES} pages`);
      seenPages.add(next);
      const page: z.infer<typeof ZCollection> | null =
        seenPages.size === 1 && o.optional ? await this.getOptional(next, ZCollection) : await this.get(next, ZCollection);
      if (page === null) return []; // an optional collection the BMC links to but does not implement
      for (const m of page.Members) out.push(this.resolveLink(m["@odata.id"]));
      if (out.length > MAX_MEMBERS) throw new RedfishError("protocol", `the BMC's collection ${link} has more than ${MAX_MEMBERS} members`);
      const nl: string | null = page["Members@odata.nextLink"] ?? page["@odata.nextLink"] ?? null;
      if (nl !== null && page.Members.length === 0) throw new RedfishError("protocol", `the BMC's paging of ${link} returned an empty page with a next link`);
      next = nl === null ? null : this.resolveLink(nl);
    }
    const seen = new Set<string>();
    return out.filter((p) => {
      const k = p.replace(/\/$/, "");
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  /**
   * Every member of a collection, fetched concurrently (bounded by the
   * limiter). A listed member that answers 404 (gone between the listing and
   * the read, e.g. a SEL cleared meanwhile) is left out; with `optional`, a
   * collection that answers 404 is empty.
   */
  async members<S extends z.ZodType>(
    link: string,
    schema: S,
    o: { optional?: boolean; lenient?: (problem: string) => void } = {},
  ): Promise<Array<{ path: string; data: z.infer<S> }>> {
    const paths = await this.collection(link, o);
    const read = async (path: string): Promise<z.infer<S> | null> => {
      if (!o.lenient) return this.getOptional(path, schema);
      try {
        return await this.getOptional(path, schema);
      } catch (e) {
        // one odd member (bad payload, a 500 on it) must not sink the rest; auth, timeout, network still do
        if (e instanceof RedfishError && e.code === "protocol") {
          o.lenient(e.message);
          return null;
        }
        throw e;
      }
    };
    const got = await Promise.all(paths.map(async (path) => ({ path, data: await read(path) })));
    const out: Array<{ path: string; data: z.infer<S> }> = [];
    for (const m of got) if (m.data !== null) out.push({ path: m.path, data: m.data });
    return out;
  }

  async post(path: string, body: unknown): Promise<RawResponse> {
    const r = await this.authed("POST", path, body);
    if (r.status < 200 || r.status >= 300) {
      const m = redfishMessage(r.text);
      throw new RedfishError("protocol", `POST ${path} answered HTTP ${r.status}${m ? `: ${m}` : ""}`, { status: r.status, url: this.origin + path });
    }
    return r;
  }
}
