/**
 * A Redfish BMC simulator: a real HTTPS server (node:https, self-signed
 * certificate from openssl) serving the resource tree of ./model.ts.
 *
 *   const sim = await startRedfishSim({ flavour: "hpe-like" });
 *   ... sim.url, sim.port, sim.fingerprint, sim.state ...
 *   await sim.stop();
 *
 * Behaviour: service root and /redfish unauthenticated; everything else needs
 * an X-Auth-Token (POST SessionService/Sessions) or HTTP basic auth; 401 on
 * bad credentials, 403 for a ReadOnly account on actions; ETag header and
 * @odata.etag on every resource, If-None-Match → 304, PATCH (AssetTag) with
 * If-Match → 412 when stale; $skip/$top paging with Members@odata.nextLink on
 * the paged collections; ComputerSystem.Reset changes PowerState.
 *
 * `state` is live: tests may change powerState, sensors, hang, latencyMs and
 * overrides (path → body served instead of the real one, an object or a raw
 * string, for malformed or lying payloads), statusOverrides (path → HTTP
 * status), and read the request log,
 * authentication attempts, sessions and resets.
 */
import { createHash, randomBytes } from "node:crypto";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { generateSelfSignedCert, certificateFingerprint } from "./cert";
import {
  buildResources,
  DEFAULT_SENSORS,
  resolveOptions,
  systemPaths,
  type RedfishSimOptions,
  type SimPowerState,
  type SimSensor,
  type SimTask,
  type SimUser,
} from "./model";

export type { SimTask } from "./model";
export type { RedfishSimOptions, SimSensor, SimFlavour, SimSelEntry, SimThresholds, SimUser } from "./model";

export interface SimRequestLog {
  method: string;
  path: string;
  /** query string, e.g. "?$skip=8&$top=8" ("" when none) */
  query: string;
  auth: "none" | "basic" | "session" | "bad";
  status: number;
}

export interface RedfishSimState {
  powerState: SimPowerState;
  sensors: SimSensor[];
  hang: boolean;
  latencyMs: number;
  /** path (no trailing slash, no query) → body served on GET instead of the real resource */
  overrides: Map<string, unknown>;
  /** path → HTTP status answered to any method, before authentication (with a Redfish error body), e.g. 404, 405, 500 */
  statusOverrides: Map<string, number>;
  /** token → session */
  sessions: Map<string, { id: string; username: string }>;
  sessionsCreated: number;
  sessionsDeleted: number;
  /** requests that presented credentials (session login or basic header) */
  authAttempts: number;
  authFailures: number;
  /** TLS connections accepted */
  connections: number;
  /** requests being answered right now, and the most at any one time */
  inFlight: number;
  maxInFlight: number;
  requests: SimRequestLog[];
  /** ResetType values received, in order */
  resets: string[];
  assetTag: string;
  /**
   * Firmware images the BMC can fetch: ImageURI → the firmware inventory entry (its Name) it updates and the
   * version it installs, or `fail` (the image is rejected: the task ends in Exception with that message).
   * An ImageURI not listed cannot be downloaded (the task ends in Exception).
   */
  images: Map<string, { component: string; version: string; fail?: string }>;
  /** How long an update task runs (ms, default 600): New, then Running with PercentComplete, then Completed or Exception. */
  updateMs: number;
  /** Tasks of accepted updates, oldest first (served under TaskService/Tasks). */
  tasks: SimTask[];
  /** Installed versions waiting for a system reset (inventory Name → version): "apply on reset". */
  pendingFirmware: Map<string, string>;
  /** SimpleUpdate requests received, in order */
  updates: Array<{ imageUri: string; transferProtocol: string | null; targets: string[] }>;
}

export interface RedfishSim {
  url: string;
  port: number;
  fingerprint: string;
  flavour: "dell-like" | "hpe-like";
  certPem: string;
  keyPem: string;
  state: RedfishSimState;
  /** paths of interest for tests (system, reset action) */
  paths: { system: string; reset: string };
  stop(): Promise<void>;
}

const ODATA_HEADERS = { "OData-Version": "4.0", "Cache-Control": "no-cache" };

function redfishError(status: number, code: string, message: string) {
  return {
    status,
    body: {
      error: {
        code: `Base.1.16.${code}`,
        message,
        "@Message.ExtendedInfo": [{ MessageId: `Base.1.16.${code}`, Message: message, Severity: "Critical", Resolution: "None" }],
      },
    },
  };
}

function etagOf(body: unknown): string {
  return `W/"${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 16)}"`;
}

export async function startRedfishSim(opts: RedfishSimOptions = {}): Promise<RedfishSim> {
  const r = resolveOptions(opts);
  const dell = r.flavour === "dell-like";
  const cert = opts.cert ? { ...opts.cert, fingerprint: certificateFingerprint(opts.cert.cert) } : generateSelfSignedCert();
  const users: SimUser[] = [
    { username: opts.username ?? "admin", password: opts.password ?? "password", role: "Administrator" },
    ...(opts.users ?? []),
  ];
  const basicAllowed = opts.basicAuth ?? true;
  const state: RedfishSimState = {
    powerState: opts.powerState ?? "On",
    sensors: structuredClone(opts.sensors ?? DEFAULT_SENSORS),
    hang: opts.hang ?? false,
    latencyMs: opts.latencyMs ?? 0,
    overrides: new Map(),
    statusOverrides: new Map(),
    sessions: new Map(),
    sessionsCreated: 0,
    sessionsDeleted: 0,
    authAttempts: 0,
    authFailures: 0,
    connections: 0,
    inFlight: 0,
    maxInFlight: 0,
    requests: [],
    resets: [],
    assetTag: r.assetTag,
    images: new Map(),
    updateMs: 600,
    tasks: [],
    pendingFirmware: new Map(),
    updates: [],
  };
  /** when each task started (ms) and what it installs; the task's state follows the clock */
  const taskRuns = new Map<string, { startMs: number; component: string | null; version: string | null; fail: string | null }>();
  let taskSeq = 0;
  function advanceTasks(): void {
    const now = Date.now();
    for (const t of state.tasks) {
      const run = taskRuns.get(t.id);
      if (!run || t.state === "Completed" || t.state === "Exception") continue;
      const elapsed = now - run.startMs;
      if (elapsed < state.updateMs * 0.1) continue;
      if (elapsed < state.updateMs) {
        t.state = "Running";
        t.percent = Math.min(99, Math.round((elapsed / state.updateMs) * 100));
        continue;
      }
      t.endTime = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
      if (run.fail !== null) {
        t.state = "Exception";
        t.messages.push({ MessageId: "Update.1.0.ApplyFailed", Message: run.fail, Severity: "Critical", MessageArgs: [] });
      } else {
        t.state = "Completed";
        t.percent = 100;
        state.pendingFirmware.set(run.component!, run.version!);
        t.messages.push(
          { MessageId: "Update.1.0.UpdateSuccessful", Message: `The update of ${run.component} to ${run.version} was installed.`, Severity: "OK", MessageArgs: [run.component!] },
          { MessageId: "Update.1.0.AwaitToActivate", Message: "Awaiting for an action to proceed with activating an installed software: reset the system (ComputerSystem.Reset).", Severity: "OK", MessageArgs: ["ComputerSystem.Reset"] },
        );
      }
    }
  }
  /** A reset that boots the system activates the installed firmware. */
  function activatePending(): void {
    for (const [name, version] of state.pendingFirmware) {
      const i = r.firmware.findIndex((f) => f.name === name);
      if (i < 0) continue;
      r.firmware[i] = { ...r.firmware[i]!, version };
      if (i === 0) r.bmcFirmware = version;
      if (i === 1) r.biosVersion = version;
    }
    state.pendingFirmware.clear();
  }
  const paths = systemPaths(r.flavour);
  const sockets = new Set<Socket>();
  let baseUrl = "";
  let sessionSeq = 0;
  const oid = (p: string) => (dell ? p : `${p}/`);

  const findUser = (username: string, password: string) => users.find((u) => u.username === username && u.password === password) ?? null;

  function authenticate(req: IncomingMessage): { user: SimUser | null; kind: SimRequestLog["auth"] } {
    const token = req.headers["x-auth-token"];
    if (typeof token === "string") {
      const s = state.sessions.get(token);
      if (!s) return { user: null, kind: "bad" };
      return { user: users.find((u) => u.username === s.username) ?? null, kind: "session" };
    }
    const auth = req.headers.authorization;
    if (typeof auth === "string" && /^basic /i.test(auth)) {
      state.authAttempts++;
      if (!basicAllowed) return { user: null, kind: "bad" };
      const dec = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
      const i = dec.indexOf(":");
      const user = i < 0 ? null : findUser(dec.slice(0, i), dec.slice(i + 1));
      if (!user) state.authFailures++;
      return { user, kind: user ? "basic" : "bad" };
    }
    return { user: null, kind: "none" };
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > 1 << 20) {
          req.destroy();
          reject(new Error("body too large"));
        } else chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

  async function handle(req: IncomingMessage): Promise<Answer> {
    const u = new URL(req.url ?? "/", "https://sim.invalid");
    let p = decodeURIComponent(u.pathname);
    if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
    const method = req.method ?? "GET";
    const log: SimRequestLog = { method, path: p, query: u.search, auth: "none", status: 0 };
    state.requests.push(log);
    const done = (a: Answer) => {
      log.status = a.status;
      return a;
    };

    if (p === "/redfish" && method === "GET") return done({ status: 200, body: { v1: "/redfish/v1/" } });
    const forced = state.statusOverrides.get(p);
    if (forced !== undefined) return done(redfishError(forced, forced === 404 ? "ResourceMissingAtURI" : "GeneralError", `Forced HTTP ${forced} at ${p}.`));

    const sessionsPath = "/redfish/v1/SessionService/Sessions";
    // ---- session login (unauthenticated)
    if (p === sessionsPath && method === "POST") {
      if (!r.sessions) return done(redfishError(405, "OperationNotAllowed", "Sessions are not supported."));
      state.authAttempts++;
      let creds: { UserName?: unknown; Password?: unknown };
      try {
        creds = JSON.parse(await readBody(req));
      } catch {
        return done(redfishError(400, "MalformedJSON", "The request body submitted was malformed JSON."));
      }
      const user = typeof creds.UserName === "string" && typeof creds.Password === "string" ? findUser(creds.UserName, creds.Password) : null;
      if (!user) {
        state.authFailures++;
        log.auth = "bad";
        return done(redfishError(401, "NoValidSession", "Invalid username or password."));
      }
      const id = dell ? String(++sessionSeq) : `${user.username}${randomBytes(4).toString("hex")}`;
      const token = randomBytes(16).toString("hex");
      state.sessions.set(token, { id, username: user.username });
      state.sessionsCreated++;
      log.auth = "session";
      const loc = oid(`${sessionsPath}/${id}`);
      const created = opts.sessionCreateStatus ?? 201;
      if (created === 204) return done({ status: 204, headers: { "X-Auth-Token": token, Location: dell ? loc : `${baseUrl}${loc}` } });
      return done({
        status: created,
        headers: { "X-Auth-Token": token, Location: dell ? loc : `${baseUrl}${loc}` },
        body: { "@odata.id": loc, "@odata.type": "#Session.v1_7_0.Session", Id: id, Name: "User Session", UserName: user.username },
      });
    }

    advanceTasks();
    const resources = buildResources(r, { powerState: state.powerState, sensors: state.sensors, tasks: state.tasks });
    const publicPaths = new Set(["/redfish/v1", "/redfish/v1/odata", "/redfish/v1/$metadata"]);
    const a = authenticate(req);
    log.auth = a.kind;
    if (!(method === "GET" && publicPaths.has(p)) || a.kind === "bad") {
      if (!a.user) {
        return done({
          ...redfishError(401, "NoValidSession", "There is no valid session established with the implementation."),
          headers: basicAllowed ? { "WWW-Authenticate": 'Basic realm="RedfishService"' } : {},
        });
      }
    }

    // ---- logout
    if (method === "DELETE" && p.startsWith(`${sessionsPath}/`)) {
      const id = p.slice(sessionsPath.length + 1);
      for (const [tok, s] of state.sessions) {
        if (s.id === id) {
          if (a.user?.role !== "Administrator" && s.username !== a.user?.username) return done(redfishError(403, "InsufficientPrivilege", "Insufficient privilege."));
          state.sessions.delete(tok);
          state.sessionsDeleted++;
          return done({ status: 204 });
        }
      }
      return done(redfishError(404, "ResourceMissingAtURI", `The resource at the URI ${p} was not found.`));
    }

    // ---- reset action
    if (p === paths.reset) {
      if (method !== "POST") return done(redfishError(405, "OperationNotAllowed", "Use POST."));
      if (a.user?.role === "ReadOnly") return done(redfishError(403, "InsufficientPrivilege", "There are insufficient privileges for the account or credentials associated with the current session to perform the requested operation."));
      let body: { ResetType?: unknown };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return done(redfishError(400, "MalformedJSON", "The request body submitted was malformed JSON."));
      }
      const t = body.ResetType;
      if (typeof t !== "string" || !paths.allowable.includes(t)) {
        return done(redfishError(400, "ActionParameterValueNotInList", `The value ${String(t)} for the parameter ResetType is not in the list of acceptable values.`));
      }
      const on = state.powerState === "On";
      if ((t === "On" && on) || ((t === "ForceOff" || t === "GracefulShutdown") && !on)) {
        return done(redfishError(409, "ResourceInStandby", `The system is already ${state.powerState}.`));
      }
      state.resets.push(t);
      if (t === "On" || t === "ForceRestart" || t === "GracefulRestart" || t === "PowerCycle") activatePending();
      if (t === "On" || t === "ForceRestart" || t === "GracefulRestart" || t === "PowerCycle") state.powerState = "On";
      else if (t === "ForceOff" || t === "GracefulShutdown") state.powerState = "Off";
      else if (t === "PushPowerButton") state.powerState = on ? "Off" : "On";
      return done(dell ? { status: 204 } : { status: 200, body: redfishError(200, "Success", "Successfully Completed Request").body });
    }

    // ---- UpdateService.SimpleUpdate: 202 Accepted with the Task's Location (DMTF: the client follows the task)
    if (p === "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate") {
      if (method !== "POST") return done(redfishError(405, "OperationNotAllowed", "Use POST."));
      if (a.user?.role === "ReadOnly") return done(redfishError(403, "InsufficientPrivilege", "There are insufficient privileges for the account or credentials associated with the current session to perform the requested operation."));
      let body: { ImageURI?: unknown; TransferProtocol?: unknown; Targets?: unknown };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return done(redfishError(400, "MalformedJSON", "The request body submitted was malformed JSON."));
      }
      if (typeof body.ImageURI !== "string" || !body.ImageURI) return done(redfishError(400, "ActionParameterMissing", "The action SimpleUpdate requires the parameter ImageURI to be present in the request body."));
      const proto = typeof body.TransferProtocol === "string" ? body.TransferProtocol : null;
      if (proto !== null && proto !== "HTTP" && proto !== "HTTPS") return done(redfishError(400, "ActionParameterValueNotInList", `The value ${proto} for the parameter TransferProtocol is not in the list of acceptable values.`));
      const targets = Array.isArray(body.Targets) ? body.Targets.filter((x): x is string => typeof x === "string") : [];
      let targetName: string | null = null;
      for (const t of targets) {
        const inv = resources.get(t.replace(/\/$/, ""));
        if (!inv || !t.includes("/UpdateService/FirmwareInventory/")) return done(redfishError(400, "ActionParameterValueNotInList", `The target ${t} is not a firmware inventory entry of this service.`));
        targetName = String((inv.body as { Name?: unknown }).Name);
      }
      state.updates.push({ imageUri: body.ImageURI, transferProtocol: proto, targets });
      const image = state.images.get(body.ImageURI);
      const id = dell ? `JID_${String(++taskSeq).padStart(12, "0")}` : String(++taskSeq);
      const fail = !image
        ? `The image ${body.ImageURI} could not be downloaded (the BMC could not reach it or it does not exist).`
        : image.fail
          ? image.fail
          : targetName !== null && targetName !== image.component
            ? `The image is for ${image.component}, not for the target ${targetName}.`
            : null;
      taskRuns.set(id, { startMs: Date.now(), component: image?.component ?? null, version: image?.version ?? null, fail });
      const task: SimTask = { id, state: "New", percent: 0, startTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), endTime: null, messages: [{ MessageId: "Task.1.0.New", Message: "A new task was created.", Severity: "OK", MessageArgs: [] }] };
      state.tasks.push(task);
      const loc = oid(`/redfish/v1/TaskService/Tasks/${id}`);
      return done({ status: 202, headers: { Location: dell ? loc : `${baseUrl}${loc}` }, body: { "@odata.id": loc, "@odata.type": "#Task.v1_7_0.Task", Id: id, Name: `Firmware update task ${id}`, TaskState: "New", PercentComplete: 0, Messages: task.messages } });
    }

    const res = resources.get(p);
    if (method === "PATCH" && res?.kind === "resource" && p === paths.system) {
      if (a.user?.role === "ReadOnly") return done(redfishError(403, "InsufficientPrivilege", "Insufficient privilege."));
      const current = etagOf(res.body);
      const ifMatch = req.headers["if-match"];
      if (typeof ifMatch === "string" && ifMatch !== current) return done(redfishError(412, "PreconditionFailed", "The ETag supplied did not match the ETag required to change this resource."));
      let body: { AssetTag?: unknown };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return done(redfishError(400, "MalformedJSON", "The request body submitted was malformed JSON."));
      }
      if (typeof body.AssetTag === "string") r.assetTag = state.assetTag = body.AssetTag;
      return done({ status: 204 });
    }
    if (method !== "GET") {
      return done(res ? redfishError(405, "OperationNotAllowed", `${method} is not allowed on ${p}.`) : redfishError(404, "ResourceMissingAtURI", `The resource at the URI ${p} was not found.`));
    }

    if (state.overrides.has(p)) {
      const o = state.overrides.get(p);
      return done({ status: 200, body: o });
    }

    if (p === "/redfish/v1/SessionService/Sessions" && r.sessions) {
      const members = [...state.sessions.values()].map((s) => ({ "@odata.id": oid(`${sessionsPath}/${s.id}`) }));
      return done({ status: 200, body: { "@odata.id": oid(sessionsPath), "@odata.type": "#SessionCollection.SessionCollection", Name: "Session Collection", Members: members, "Members@odata.count": members.length } });
    }
    if (!res) return done(redfishError(404, "ResourceMissingAtURI", `The resource at the URI ${p} was not found.`));

    let body: Record<string, unknown>;
    if (res.kind === "collection") {
      const total = res.members.length;
      if (res.paged) {
        const skip = Math.max(0, Number(u.searchParams.get("$skip") ?? 0) || 0);
        const top = Math.min(r.pageSize, Math.max(1, Number(u.searchParams.get("$top") ?? r.pageSize) || r.pageSize));
        const page = res.members.slice(skip, skip + top);
        body = { ...res.body, "Members@odata.count": total, Members: page.map((m) => ({ "@odata.id": m })) };
        if (skip + top < total) body["Members@odata.nextLink"] = `${oid(p)}?$skip=${skip + top}&$top=${top}`;
      } else {
        body = { ...res.body, "Members@odata.count": total, Members: res.members.map((m) => ({ "@odata.id": m })) };
      }
    } else {
      body = res.body;
    }
    const etag = etagOf(body);
    body = { ...body, "@odata.etag": etag };
    if (req.headers["if-none-match"] === etag) return done({ status: 304, headers: { ETag: etag } });
    return done({ status: 200, body, headers: { ETag: etag } });
  }

  function send(res: ServerResponse, a: Answer) {
    const headers: Record<string, string> = { ...ODATA_HEADERS, ...(a.headers ?? {}) };
    if (a.body === undefined) {
      res.writeHead(a.status, headers);
      res.end();
      return;
    }
    const text = typeof a.body === "string" ? a.body : JSON.stringify(a.body);
    headers["Content-Type"] = "application/json; charset=utf-8";
    res.writeHead(a.status, headers);
    res.end(text);
  }

  const server = https.createServer({ key: cert.key, cert: cert.cert, keepAliveTimeout: 5_000 }, (req, res) => {
    if (state.hang) return; // never answer; stop() destroys the socket
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on("close", () => state.inFlight--);
    const go = () =>
      handle(req).then(
        (a) => send(res, a),
        (e: unknown) => send(res, redfishError(500, "InternalError", String(e))),
      );
    if (state.latencyMs > 0) setTimeout(go, state.latencyMs);
    else void go();
  });
  server.on("secureConnection", (s) => {
    state.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => {
    /* a client that hangs up during the handshake (pin mismatch) is normal */
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  baseUrl = `https://${host}:${addr.port}`;
  let stopped = false;

  return {
    url: baseUrl,
    port: addr.port,
    fingerprint: cert.fingerprint,
    flavour: r.flavour,
    certPem: cert.cert,
    keyPem: cert.key,
    state,
    paths: { system: paths.system, reset: paths.reset },
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
