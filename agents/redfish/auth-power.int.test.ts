/**
 * Authentication, certificate pinning, power control and failure modes of the
 * Redfish client against the project's simulator on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startRedfishSim, type RedfishSim, type RedfishSimOptions } from "../../tests/redfish-sim/server";
import { RedfishClient } from "./client";
import { RedfishError } from "./errors";
import { ZSystem } from "./schemas";
import { probeRedfish, redfishPower } from "./probe";

const sims: RedfishSim[] = [];
async function sim(opts: RedfishSimOptions = {}): Promise<RedfishSim> {
  const s = await startRedfishSim({ host: "127.0.0.1", port: 0, ...opts });
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const creds = { username: "admin", password: "password" };

async function failure(p: Promise<unknown>): Promise<RedfishError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RedfishError);
    return e as RedfishError;
  }
  throw new Error("expected the call to fail");
}

describe("authentication", () => {
  it("uses a session (X-Auth-Token) when the SessionService is offered, and logs out", async () => {
    const s = await sim({ flavour: "dell-like" });
    await probeRedfish({ url: s.url, ...creds });
    expect(s.state.sessionsCreated).toBe(1);
    expect(s.state.sessionsDeleted).toBe(1);
    const authed = s.state.requests.filter((r) => r.path !== "/redfish/v1" && !(r.method === "POST" && r.path.endsWith("/Sessions")));
    expect(authed.length).toBeGreaterThan(20);
    expect(authed.every((r) => r.auth === "session")).toBe(true);
    expect(s.state.authAttempts).toBe(1); // one login, no basic headers
  });

  it("falls back to basic auth when the BMC has no sessions", async () => {
    const s = await sim({ flavour: "hpe-like", sessions: false });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.fru.productSerial).toBe("CZJ2410ABC");
    expect(s.state.sessionsCreated).toBe(0);
    expect(s.state.requests.some((r) => r.method === "POST")).toBe(false);
    const authed = s.state.requests.filter((r) => r.path !== "/redfish/v1");
    expect(authed.every((r) => r.auth === "basic")).toBe(true);
  });

  it("falls back to basic auth when session creation is refused with 405", async () => {
    const s = await sim({ flavour: "dell-like" });
    // the root still advertises sessions, but the BMC will not create one
    s.state.statusOverrides.set("/redfish/v1/SessionService/Sessions", 405);
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.fru.productSerial).toBe("7XK2DL3");
    expect(s.state.sessionsCreated).toBe(0);
    expect(s.state.requests.filter((r) => r.auth === "basic").length).toBeGreaterThan(20);
  });

  it("logs in again once when the session expires mid-operation", async () => {
    const s = await sim({ flavour: "hpe-like" });
    const c = await RedfishClient.open({ url: s.url, ...creds });
    try {
      expect(c.authMode).toBe("session");
      s.state.sessions.clear(); // the BMC dropped every session
      const sys = await c.get(s.paths.system, ZSystem);
      expect(sys.SerialNumber).toBe("CZJ2410ABC");
      expect(s.state.sessionsCreated).toBe(2);
    } finally {
      await c.close();
    }
    expect(s.state.sessions.size).toBe(0);
  });

  it("wrong password → auth error (session login)", async () => {
    const s = await sim({ flavour: "dell-like" });
    const e = await failure(probeRedfish({ url: s.url, username: "admin", password: "wrong" }));
    expect(e.code).toBe("auth");
    expect(e.message).toMatch(/refused the credentials/);
    expect(e.message).not.toContain("wrong");
    expect(s.state.authFailures).toBe(1);
  });

  it("wrong password → auth error (basic auth)", async () => {
    const s = await sim({ flavour: "hpe-like", sessions: false });
    const e = await failure(probeRedfish({ url: s.url, username: "admin", password: "wrong" }));
    expect(e.code).toBe("auth");
    expect(e.status).toBe(401);
  });
});

describe("certificate pinning", () => {
  it("accepts the pinned fingerprint in any notation", async () => {
    const s = await sim();
    const loose = s.fingerprint.replace(/:/g, "").toLowerCase();
    const { fingerprint } = await probeRedfish({ url: s.url, ...creds, pinnedFingerprint: loose });
    expect(fingerprint).toBe(s.fingerprint);
  });

  it("refuses a BMC whose certificate differs from the pin, before sending anything", async () => {
    const s = await sim({ flavour: "dell-like" });
    const other = await sim({ flavour: "dell-like" }); // a different self-signed certificate
    expect(other.fingerprint).not.toBe(s.fingerprint);
    const e = await failure(probeRedfish({ url: s.url, ...creds, pinnedFingerprint: other.fingerprint }));
    expect(e.code).toBe("tls-mismatch");
    expect(e.message).toContain(s.fingerprint);
    expect(e.message).toContain("credentials were not sent");
    expect(s.state.authAttempts).toBe(0);
    expect(s.state.sessionsCreated).toBe(0);
    expect(s.state.requests).toHaveLength(0); // not even the unauthenticated service root
  });

  it("refuses power control too", async () => {
    const s = await sim({ flavour: "hpe-like" });
    const e = await failure(redfishPower({ url: s.url, ...creds, pinnedFingerprint: "AA:".repeat(31) + "AA" }, "off"));
    expect(e.code).toBe("tls-mismatch");
    expect(s.state.requests).toHaveLength(0);
    expect(s.state.powerState).toBe("On");
  });
});

describe("power control (ComputerSystem.Reset)", () => {
  it("dell-like: off, status, on, cycle, reset, soft change the power state", async () => {
    const s = await sim({ flavour: "dell-like" });
    const o = { url: s.url, ...creds, pinnedFingerprint: s.fingerprint };
    expect(await redfishPower(o, "status")).toEqual({ power: "on" });
    expect(await redfishPower(o, "off")).toEqual({ power: "off" });
    expect(s.state.powerState).toBe("Off");
    expect(await redfishPower(o, "status")).toEqual({ power: "off" });
    expect(await redfishPower(o, "off")).toEqual({ power: "off" }); // already off: nothing sent
    expect(await redfishPower(o, "on")).toEqual({ power: "on" });
    expect(await redfishPower(o, "cycle")).toEqual({ power: "on" });
    expect(await redfishPower(o, "reset")).toEqual({ power: "on" });
    expect(await redfishPower(o, "soft")).toEqual({ power: "off" });
    expect(s.state.resets).toEqual(["ForceOff", "On", "PowerCycle", "ForceRestart", "GracefulShutdown"]);
    expect(s.state.sessions.size).toBe(0);
  });

  it("hpe-like: cycle without PowerCycle among the allowable values is ForceOff then On", async () => {
    const s = await sim({ flavour: "hpe-like" });
    expect(await redfishPower({ url: s.url, ...creds }, "cycle")).toEqual({ power: "on" });
    expect(s.state.resets).toEqual(["ForceOff", "On"]);
    const resetPosts = s.state.requests.filter((r) => r.method === "POST" && r.path === s.paths.reset);
    expect(resetPosts.every((r) => r.status === 200)).toBe(true);
  });

  it("a ReadOnly account gets a privilege error and the power stays on", async () => {
    const s = await sim({ flavour: "dell-like", users: [{ username: "viewer", password: "viewpass", role: "ReadOnly" }] });
    const e = await failure(redfishPower({ url: s.url, username: "viewer", password: "viewpass" }, "off"));
    expect(e.code).toBe("privilege");
    expect(s.state.powerState).toBe("On");
    expect(s.state.resets).toEqual([]);
    // reading is fine for the same account
    expect(await redfishPower({ url: s.url, username: "viewer", password: "viewpass" }, "status")).toEqual({ power: "on" });
  });
});

describe("failure modes", () => {
  it("a malformed System payload is a protocol error, not a crash", async () => {
    const s = await sim({ flavour: "dell-like" });
    const sys = "/redfish/v1/Systems/System.Embedded.1";
    s.state.overrides.set(sys, { "@odata.id": sys, PowerState: 42, SerialNumber: ["not", "a", "string"] });
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.message).toContain(sys);
    expect(s.state.sessions.size).toBe(0); // still logged out
  });

  it("a body that is not JSON is a protocol error (the service root)", async () => {
    const s = await sim({ flavour: "hpe-like" });
    s.state.overrides.set("/redfish/v1", "<html><body>502 Bad Gateway</body></html>");
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.message).toMatch(/not JSON/);
  });

  it("a member whose body is not JSON is left out with a warning; the rest of the probe stands", async () => {
    const s = await sim({ flavour: "hpe-like" });
    s.state.overrides.set("/redfish/v1/Chassis/1/Sensors/CPU1Temp", "<html><body>502 Bad Gateway</body></html>");
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.sensors.map((x) => x.name)).not.toContain("CPU1 Temp");
    expect(result.sensors.length).toBeGreaterThan(3);
    expect(result.warnings?.join("\n")).toMatch(/Sensors\/CPU1Temp.*not JSON/);
  });

  it("paging that loops forever is a protocol error", async () => {
    const s = await sim({ flavour: "hpe-like", dimms: 12, pageSize: 4 });
    s.state.overrides.set("/redfish/v1/Systems/1/Memory", {
      "@odata.id": "/redfish/v1/Systems/1/Memory/",
      "Members@odata.count": 12,
      Members: [{ "@odata.id": "/redfish/v1/Systems/1/Memory/proc1dimm1/" }],
      "Members@odata.nextLink": "/redfish/v1/Systems/1/Memory/",
    });
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.message).toMatch(/loops/);
  });

  it("a link to another host is not followed (credentials stay here)", async () => {
    const s = await sim({ flavour: "dell-like" });
    s.state.overrides.set("/redfish/v1/Systems", {
      "@odata.id": "/redfish/v1/Systems",
      "Members@odata.count": 1,
      Members: [{ "@odata.id": "https://192.0.2.1/redfish/v1/Systems/System.Embedded.1" }],
    });
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.message).toMatch(/another host/);
  });

  it("a listed member that has vanished (404) is left out, not an error", async () => {
    const s = await sim({ flavour: "hpe-like", dimms: 4 });
    s.state.statusOverrides.set("/redfish/v1/Systems/1/Memory/proc1dimm3", 404);
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.components!.filter((c) => c.kind === "DIMM").map((d) => d.slot)).toEqual(["PROC 1 DIMM 1", "PROC 1 DIMM 2", "PROC 1 DIMM 4"]);
  });

  it("an optional sub-collection the BMC links to but does not implement (404) is empty", async () => {
    const s = await sim({ flavour: "dell-like" });
    s.state.statusOverrides.set("/redfish/v1/Systems/System.Embedded.1/Storage", 404);
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.components!.filter((c) => c.kind === "DRIVE")).toEqual([]);
    expect(result.components!.filter((c) => c.kind === "DIMM")).toHaveLength(8);
  });

  it("a BMC error (500) on a linked resource is a protocol error naming the resource", async () => {
    const s = await sim({ flavour: "dell-like" });
    s.state.statusOverrides.set("/redfish/v1/Chassis/System.Embedded.1/Thermal", 500);
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.status).toBe(500);
    expect(e.message).toContain("/Thermal");
  });

  it("something that is not a Redfish service is a protocol error", async () => {
    const s = await sim({ flavour: "dell-like" });
    s.state.statusOverrides.set("/redfish/v1", 404);
    const e = await failure(probeRedfish({ url: s.url, ...creds }));
    expect(e.code).toBe("protocol");
    expect(e.message).toMatch(/service root/);
  });

  it("a hung BMC gives a timeout within the budget", async () => {
    const s = await sim({ flavour: "dell-like", hang: true });
    const t0 = Date.now();
    const e = await failure(probeRedfish({ url: s.url, ...creds, timeoutMs: 700 }));
    expect(e.code).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("a BMC that becomes slow mid-probe times out against the whole-probe budget", async () => {
    const s = await sim({ flavour: "hpe-like", latencyMs: 150 });
    const e = await failure(probeRedfish({ url: s.url, ...creds, timeoutMs: 400 }));
    expect(e.code).toBe("timeout");
  });

  it("nothing listening → network error", async () => {
    const s = await sim();
    const url = s.url;
    await s.stop();
    const e = await failure(probeRedfish({ url, ...creds, timeoutMs: 3_000 }));
    expect(e.code).toBe("network");
  });

  it("plain http is refused before connecting", async () => {
    const e = await failure(probeRedfish({ url: "http://127.0.0.1:1/", ...creds }));
    expect(e.code).toBe("protocol");
  });
});
