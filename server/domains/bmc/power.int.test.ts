/**
 * The server's direct power path (an endpoint without a site agent) reaches
 * the BMC through the protocol clients in its dependencies (TDeps.bmc), here
 * the real ones against a real ipmi_sim and the Redfish simulator (power and
 * probe). Without
 * clients the action is refused before anything is touched.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { startIpmiSim, USERS, type IpmiSimHarness } from "../../../tests/harness/ipmi-sim";
import { startRedfishSim, type RedfishSim } from "../../../tests/redfish-sim/server";
import { createAsset } from "../assets/service";
import { createEndpoint, powerAction } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");
// the server connects directly only to networks an administrator allowed: here, the simulators on loopback
process.env.IRONLEDGER_BMC_NETWORKS = "127.0.0.0/8";

describe("direct BMC power through TDeps.bmc", () => {
  let t: TTestDb;
  let ipmi: IpmiSimHarness;
  let redfish: RedfishSim;
  const clock = new FakeClock();
  const tech = actor("technician");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let n = 0;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    cat = await seedCatalog(depsFor(t, clock));
    ipmi = await startIpmiSim([{ serial: "PWR00001", power: 0 }]);
    redfish = await startRedfishSim({ host: "127.0.0.1", port: 0, powerState: "Off" });
  });
  afterAll(async () => {
    await ipmi?.stop();
    await redfish?.stop();
    t?.close();
  });

  async function assetWith(endpoint: { protocol: "ipmi" | "redfish"; address: string; username: string; password: string }) {
    const a = await createAsset(depsFor(t, clock), actor("admin"), { serial: `PWR-${++n}-${randomBytes(2).toString("hex")}`, modelId: cat.server.id });
    await createEndpoint(depsFor(t, clock), actor("admin"), { assetId: a.id, ...endpoint });
    return a.id;
  }

  it("switches an IPMI BMC on and reads the state back", async () => {
    const bmc = ipmi.bmcs[0]!;
    const assetId = await assetWith({ protocol: "ipmi", address: `127.0.0.1:${bmc.port}`, username: USERS.operator.username, password: USERS.operator.password });
    expect(bmc.power()).toBe(0);
    expect(await powerAction(depsFor(t, clock), tech, { assetId, action: "on", confirm: true })).toEqual({ power: "on" });
    expect(bmc.power()).toBe(1);
  });

  it("switches a Redfish BMC on", async () => {
    const assetId = await assetWith({ protocol: "redfish", address: redfish.url, username: "admin", password: "password" });
    expect(await powerAction(depsFor(t, clock), tech, { assetId, action: "on", confirm: true })).toEqual({ power: "on" });
    expect(redfish.state.powerState).toBe("On");
    expect(redfish.state.resets).toContain("On");
  });

  it("probes through the same clients (IPMI FRU serial, Redfish certificate fingerprint)", async () => {
    const clients = depsFor(t, clock).bmc!;
    const bmc = ipmi.bmcs[0]!;
    const viaIpmi = await clients.probe({ protocol: "ipmi", host: bmc.host, port: bmc.port, username: USERS.operator.username, password: USERS.operator.password, allowCipherZero: false, privilege: "operator" });
    expect(viaIpmi.result.fru.productSerial).toBe("PWR00001");
    expect(viaIpmi.tlsFingerprint).toBeNull();
    const viaRedfish = await clients.probe({ protocol: "redfish", url: redfish.url, username: "admin", password: "password", pinnedFingerprint: null });
    expect(viaRedfish.result.protocol).toBe("redfish");
    expect(viaRedfish.tlsFingerprint).toBe(redfish.fingerprint);
  });

  it("refuses, and touches no BMC, in a process started without protocol clients", async () => {
    const bmc = ipmi.bmcs[0]!;
    const assetId = await assetWith({ protocol: "ipmi", address: `127.0.0.1:${bmc.port}`, username: USERS.operator.username, password: USERS.operator.password });
    const before = bmc.requests().length;
    const { bmc: _clients, ...withoutClients } = depsFor(t, clock);
    await expect(powerAction(withoutClients, tech, { assetId, action: "off", confirm: true })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(bmc.requests().length).toBe(before);
    expect(bmc.power()).toBe(1);
  });
});
