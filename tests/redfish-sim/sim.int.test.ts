/**
 * The Redfish simulator itself, spoken to with plain node:https (no project
 * client), so that a client bug cannot hide a simulator bug.
 */
import https from "node:https";
import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startRedfishSim, type RedfishSim, type RedfishSimOptions } from "./server";

const sims: RedfishSim[] = [];
async function sim(opts: RedfishSimOptions = {}): Promise<RedfishSim> {
  const s = await startRedfishSim({ host: "127.0.0.1", port: 0, ...opts });
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

/** o["a"]["b"]… of a JSON value */
function at(o: unknown, ...keys: Array<string | number>): unknown {
  let v = o;
  for (const k of keys) v = v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

const BASIC = `Basic ${Buffer.from("admin:password").toString("base64")}`;

function call(
  url: string,
  method = "GET",
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      { method, rejectUnauthorized: false, agent: false, headers: { ...headers, ...(payload ? { "Content-Type": "application/json" } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(payload);
  });
}

describe("Redfish simulator", () => {
  it("serves the service root with @odata.id, @odata.type, @odata.etag and an ETag header, unauthenticated", async () => {
    for (const flavour of ["dell-like", "hpe-like"] as const) {
      const s = await sim({ flavour });
      expect(s.url).toBe(`https://127.0.0.1:${s.port}`);
      const r = await call(`${s.url}/redfish/v1`);
      expect(r.status).toBe(200);
      expect(r.headers["odata-version"]).toBe("4.0");
      expect(at(r.json, "@odata.type")).toMatch(/^#ServiceRoot\.v1_\d+_\d+\.ServiceRoot$/);
      expect(at(r.json, "@odata.id")).toBe(flavour === "dell-like" ? "/redfish/v1" : "/redfish/v1/");
      expect(at(r.json, "@odata.etag")).toBe(r.headers.etag);
      expect(at(r.json, "Links", "Sessions", "@odata.id")).toContain("/redfish/v1/SessionService/Sessions");
    }
  });

  it("answers 304 to If-None-Match and 412 to a stale If-Match", async () => {
    const s = await sim({ flavour: "dell-like" });
    const sys = `${s.url}${s.paths.system}`;
    const first = await call(sys, "GET", { Authorization: BASIC });
    const etag = first.headers.etag as string;
    expect((await call(sys, "GET", { Authorization: BASIC, "If-None-Match": etag })).status).toBe(304);
    expect((await call(sys, "PATCH", { Authorization: BASIC, "If-Match": etag }, { AssetTag: "IL-1" })).status).toBe(204);
    expect((await call(sys, "PATCH", { Authorization: BASIC, "If-Match": etag }, { AssetTag: "IL-2" })).status).toBe(412);
    const after = await call(sys, "GET", { Authorization: BASIC });
    expect(at(after.json, "AssetTag")).toBe("IL-1");
    expect(after.headers.etag).not.toBe(etag);
  });

  it("creates and deletes sessions; 401 on bad credentials or a stale token", async () => {
    const s = await sim({ flavour: "hpe-like" });
    const sessions = `${s.url}/redfish/v1/SessionService/Sessions`;
    expect((await call(sessions, "POST", {}, { UserName: "admin", Password: "nope" })).status).toBe(401);
    expect((await call(`${s.url}${s.paths.system}`, "GET", { Authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` })).status).toBe(401);
    expect((await call(`${s.url}${s.paths.system}`)).status).toBe(401);
    const login = await call(sessions, "POST", {}, { UserName: "admin", Password: "password" });
    expect(login.status).toBe(201);
    const token = login.headers["x-auth-token"] as string;
    const location = login.headers.location as string;
    expect(location.startsWith(`${s.url}/redfish/v1/SessionService/Sessions/`)).toBe(true); // hpe-like: absolute
    expect(at((await call(`${s.url}${s.paths.system}`, "GET", { "X-Auth-Token": token })).json, "PowerState")).toBe("On");
    expect((await call(location, "DELETE", { "X-Auth-Token": token })).status).toBe(204);
    expect((await call(`${s.url}${s.paths.system}`, "GET", { "X-Auth-Token": token })).status).toBe(401);
    expect(s.state.sessionsCreated).toBe(1);
    expect(s.state.sessionsDeleted).toBe(1);
  });

  it("pages a big collection with Members@odata.nextLink and Members@odata.count", async () => {
    const s = await sim({ flavour: "hpe-like", sel: 20, pageSize: 6 });
    let next: string | undefined = "/redfish/v1/Managers/1/LogServices/SEL/Entries/";
    const seen: string[] = [];
    while (next) {
      const r = await call(`${s.url}${next}`, "GET", { Authorization: BASIC });
      expect(at(r.json, "Members@odata.count")).toBe(20);
      seen.push(...(at(r.json, "Members") as Array<{ "@odata.id": string }>).map((m) => m["@odata.id"]));
      next = at(r.json, "Members@odata.nextLink") as string | undefined;
    }
    expect(seen).toHaveLength(20);
    const entry = await call(`${s.url}${seen[19]}`, "GET", { Authorization: BASIC });
    expect(entry.json).toMatchObject({ "@odata.type": "#LogEntry.v1_15_0.LogEntry", Id: "20", EntryType: "SEL" });
  });

  it("resets: allowable values are enforced and PowerState changes", async () => {
    const s = await sim({ flavour: "hpe-like" });
    const sys = await call(`${s.url}${s.paths.system}`, "GET", { Authorization: BASIC });
    expect(at(sys.json, "Actions", "#ComputerSystem.Reset", "ResetType@Redfish.AllowableValues")).not.toContain("PowerCycle");
    const target = `${s.url}${String(at(sys.json, "Actions", "#ComputerSystem.Reset", "target"))}`;
    expect((await call(target, "POST", { Authorization: BASIC }, { ResetType: "PowerCycle" })).status).toBe(400);
    expect((await call(target, "POST", { Authorization: BASIC }, { ResetType: "ForceOff" })).status).toBe(200);
    expect(at((await call(`${s.url}${s.paths.system}`, "GET", { Authorization: BASIC })).json, "PowerState")).toBe("Off");
    expect((await call(target, "POST", { Authorization: BASIC }, { ResetType: "ForceOff" })).status).toBe(409);
    expect(s.state.resets).toEqual(["ForceOff"]);
  });

  it("SimpleUpdate: 202 with the Task's Location, the task runs to Completed, the version changes only after a reset", async () => {
    const s = await sim({ flavour: "dell-like" });
    s.state.updateMs = 200;
    s.state.images.set("http://repo.example/bios-2.20.0.exe", { component: "BIOS", version: "2.20.0" });
    const root = await call(`${s.url}/redfish/v1/UpdateService`, "GET", { Authorization: BASIC });
    const target = String(at(root.json, "Actions", "#UpdateService.SimpleUpdate", "target"));
    const r = await call(`${s.url}${target}`, "POST", { Authorization: BASIC }, { ImageURI: "http://repo.example/bios-2.20.0.exe", TransferProtocol: "HTTP" });
    expect(r.status).toBe(202);
    const loc = r.headers.location as string;
    expect(loc).toMatch(/^\/redfish\/v1\/TaskService\/Tasks\/JID_/);
    await new Promise((res) => setTimeout(res, 300));
    const task = await call(`${s.url}${loc}`, "GET", { Authorization: BASIC });
    expect(task.json).toMatchObject({ "@odata.type": "#Task.v1_7_0.Task", TaskState: "Completed", PercentComplete: 100 });
    expect((at(task.json, "Messages") as Array<{ MessageId: string }>).map((m) => m.MessageId)).toContain("Update.1.0.AwaitToActivate");
    expect(at((await call(`${s.url}${s.paths.system}`, "GET", { Authorization: BASIC })).json, "BiosVersion")).toBe("2.19.1");
    expect((await call(`${s.url}${s.paths.reset}`, "POST", { Authorization: BASIC }, { ResetType: "ForceRestart" })).status).toBe(204);
    expect(at((await call(`${s.url}${s.paths.system}`, "GET", { Authorization: BASIC })).json, "BiosVersion")).toBe("2.20.0");
    const inv = await call(`${s.url}/redfish/v1/UpdateService/FirmwareInventory`, "GET", { Authorization: BASIC });
    expect((at(inv.json, "Members") as Array<{ "@odata.id": string }>).map((m) => m["@odata.id"])).toContain("/redfish/v1/UpdateService/FirmwareInventory/Installed-1001-2.20.0");
    const tasks = await call(`${s.url}/redfish/v1/TaskService/Tasks`, "GET", { Authorization: BASIC });
    expect(at(tasks.json, "Members@odata.count")).toBe(1);
  });

  it("SimpleUpdate of a rejected or unreachable image ends in Exception and changes nothing; bad input is a 400", async () => {
    const s = await sim({ flavour: "hpe-like" });
    s.state.updateMs = 100;
    s.state.images.set("https://repo.example/rom-bad.bin", { component: "System ROM", version: "U46 v2.99", fail: "The image failed signature verification." });
    const target = `${s.url}/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate`;
    expect((await call(target, "POST", { Authorization: BASIC }, { TransferProtocol: "HTTP" })).status).toBe(400);
    expect((await call(target, "POST", { Authorization: BASIC }, { ImageURI: "x", Targets: ["/redfish/v1/Systems/1"] })).status).toBe(400);
    const bad = await call(target, "POST", { Authorization: BASIC }, { ImageURI: "https://repo.example/rom-bad.bin", Targets: ["/redfish/v1/UpdateService/FirmwareInventory/2/"] });
    const missing = await call(target, "POST", { Authorization: BASIC }, { ImageURI: "https://repo.example/nowhere.bin" });
    expect([bad.status, missing.status]).toEqual([202, 202]);
    await new Promise((res) => setTimeout(res, 200));
    for (const [loc, text] of [[bad.headers.location, "signature"], [missing.headers.location, "could not be downloaded"]] as const) {
      const t = await call(String(loc), "GET", { Authorization: BASIC });
      expect(at(t.json, "TaskState")).toBe("Exception");
      expect(JSON.stringify(at(t.json, "Messages"))).toContain(text);
    }
    expect((await call(`${s.url}${s.paths.reset}`, "POST", { Authorization: BASIC }, { ResetType: "ForceRestart" })).status).toBe(200);
    expect(at((await call(`${s.url}${s.paths.system}`, "GET", { Authorization: BASIC })).json, "BiosVersion")).toBe("U46 v2.90 (01/15/2024)");
    expect(s.state.updates).toHaveLength(2);
  });

  it("runs standalone and reports its port", async () => {
    const main = path.join(import.meta.dirname, "main.ts");
    // one process (node --import tsx), so the PID we stop is the simulator's
    const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--flavour", "dell-like", "--sel", "3"], {
      cwd: path.join(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        const t = setTimeout(() => reject(new Error(`no start line: ${out}`)), 30_000);
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const nl = out.indexOf("\n");
          if (nl >= 0) {
            clearTimeout(t);
            resolve(out.slice(0, nl));
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const info = JSON.parse(line) as { url: string; port: number; fingerprint: string; flavour: string };
      expect(info.port).toBeGreaterThan(0);
      expect(info.flavour).toBe("dell-like");
      const r = await call(`${info.url}/redfish/v1/Managers/iDRAC.Embedded.1/LogServices/Sel/Entries`, "GET", { Authorization: BASIC });
      expect(at(r.json, "Members@odata.count")).toBe(3);
    } finally {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
