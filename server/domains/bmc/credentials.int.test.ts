/**
 * Issue 7 point 1: BMC credentials cannot be redirected. Changing where the
 * stored password goes (protocol, address, port, agent) or resetting the TLS
 * pin needs the password again or an admin's explicit approval; addresses are
 * validated on update as on create; the server itself connects only to the
 * networks in IRONLEDGER_BMC_NETWORKS and never tells a person the raw network
 * error (which would make the endpoint a port scanner).
 */
import { createCipheriv, randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { freePort } from "../../../tests/harness/postgres";
import { createAsset } from "../assets/service";
import { createLocation } from "../locations/service";
import { open, secretKey } from "../../crypto/secrets";
import { handleAgentApi } from "../../agent-api/http";
import { resealLegacyPasswords } from "./credentials";
import { createAgent, createEndpoint, powerAction, updateEndpoint } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");
// tests talk only to loopback: that is the one network the server may reach here
process.env.IRONLEDGER_BMC_NETWORKS = "127.0.0.0/8";

const PASSWORD = "Bmc-Pa55word-stays-home";

/** A password as it was sealed before v2 (AES-GCM without associated data). */
function sealV1(plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", secretKey(), iv);
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), ct.toString("base64")].join(":");
}

describe.each(DATABASES)("BMC credentials cannot be redirected on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const tech = actor("technician");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let n = 0;

  async function endpoint(over: { protocol?: "ipmi" | "redfish"; address?: string; agent?: boolean } = {}) {
    const asset = await createAsset(deps(), admin, { serial: `CRED-${provider}-${++n}`, modelId: cat.server.id, locationId: cat.rack.id });
    const agent = over.agent === false ? null : await createAgent(deps(), admin, { name: `cred-${provider}-${n}`, siteId: cat.site.id });
    const protocol = over.protocol ?? "ipmi";
    const ep = await createEndpoint(deps(), tech, { assetId: asset.id, agentId: agent?.id ?? null, protocol, address: over.address ?? (protocol === "ipmi" ? "10.0.0.5:623" : "https://10.0.0.5"), username: "admin", password: PASSWORD });
    return { asset, agent, ep };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
  }, 120_000);
  afterAll(() => t?.close());

  it("asks for the password again when the protocol, address, port or agent changes or the TLS pin is reset", async () => {
    const { ep } = await endpoint();
    const other = await createAgent(deps(), admin, { name: `cred-other-${provider}`, siteId: cat.site.id });
    const before = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } });
    const changes = [
      { address: "10.0.0.66:623" }, // another host
      { address: "10.0.0.5:6230" }, // another port
      { protocol: "redfish" as const, address: "https://10.0.0.5" },
      { agentId: other.id },
      { agentId: null },
      { resetTlsPin: true as const },
    ];
    for (const data of changes) {
      const err = await updateEndpoint(deps(), tech, { id: ep.id, data }).catch((e: unknown) => e);
      expect(err, JSON.stringify(data)).toMatchObject({ code: "BAD_REQUEST", fields: { password: [expect.any(String)] } });
      expect((err as Error).message).toMatch(/password again/);
    }
    // nothing moved
    const after = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(after).toMatchObject({ address: before.address, protocol: before.protocol, agentId: before.agentId, passwordEnc: before.passwordEnc });

    // a technician cannot approve keeping the stored password; an admin can (audited)
    await expect(updateEndpoint(deps(), tech, { id: ep.id, data: { address: "10.0.0.66:623", keepCredentials: true } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await updateEndpoint(deps(), admin, { id: ep.id, data: { address: "10.0.0.66:623", keepCredentials: true } });
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { entity: "BmcEndpoint", entityId: ep.id, action: "update" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit.after!)).toMatchObject({ address: "10.0.0.66:623", reapprovedBy: admin.id });

    // with the password entered again, a technician may move it
    await updateEndpoint(deps(), tech, { id: ep.id, data: { address: "10.0.0.67:623", password: `${PASSWORD}-new` } });
    const moved = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(moved.address).toBe("10.0.0.67:623");
    expect(open(moved.passwordEnc, undefined, ep.id)).toBe(`${PASSWORD}-new`);

    // other fields, and the same address again, need no password
    await updateEndpoint(deps(), tech, { id: ep.id, data: { address: "10.0.0.67:623", intervalSec: 60, username: "root" } });
    expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } })).intervalSec).toBe(60);
  });

  it("validates the address on update as on create", async () => {
    const { ep } = await endpoint();
    for (const address of ["https://10.0.0.5", "10.0.0.5:99999", "evil host", "10.0.0.5:623/x"]) {
      await expect(updateEndpoint(deps(), tech, { id: ep.id, data: { address, password: PASSWORD } }), address).rejects.toMatchObject({ code: "BAD_REQUEST", fields: { address: [expect.any(String)] } });
    }
    // switching to Redfish checks the address against Redfish's rule
    await expect(updateEndpoint(deps(), tech, { id: ep.id, data: { protocol: "redfish", password: PASSWORD } })).rejects.toMatchObject({ code: "BAD_REQUEST", fields: { address: [expect.any(String)] } });
    const rf = await endpoint({ protocol: "redfish" });
    for (const address of ["http://10.0.0.5", "10.0.0.5", "https://user:pw@10.0.0.5"]) {
      await expect(updateEndpoint(deps(), tech, { id: rf.ep.id, data: { address, password: PASSWORD } }), address).rejects.toMatchObject({ code: "BAD_REQUEST", fields: { address: [expect.any(String)] } });
    }
  });

  it("connects directly only to allowed networks, and never tells a person the raw network error", async () => {
    // outside 127.0.0.0/8: refused before anything is sent
    const far = await endpoint({ agent: false, protocol: "redfish", address: "https://10.255.255.1" });
    const refused = await powerAction(deps(), tech, { assetId: far.asset.id, action: "off", confirm: true }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
    expect((refused as Error).message).toContain("IRONLEDGER_BMC_NETWORKS");
    expect(await t.db.auditLog.count({ where: { entity: "BmcEndpoint", entityId: far.ep.id, action: { startsWith: "power" } } })).toBe(0);

    // a closed port and a port where something other than a BMC answers read the same
    const closedPort = await freePort();
    const sockets = new Set<net.Socket>();
    const talker = net.createServer((s) => {
      sockets.add(s);
      s.end("SSH-2.0-OpenSSH_9.2\r\n");
    });
    await new Promise<void>((r) => talker.listen(0, "127.0.0.1", r));
    const openPort = (talker.address() as net.AddressInfo).port;
    try {
      const messages: string[] = [];
      for (const port of [closedPort, openPort]) {
        const { asset } = await endpoint({ agent: false, protocol: "redfish", address: `https://127.0.0.1:${port}` });
        const err = await powerAction(deps(), tech, { assetId: asset.id, action: "off", confirm: true }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "UNAVAILABLE" });
        const msg = (err as Error).message;
        expect(msg).not.toMatch(/ECONN|refused:|network|protocol|tls|ssl|timeout|SSH/i);
        expect(msg).not.toContain(String(port));
        messages.push(msg);
      }
      expect(messages[0]).toBe(messages[1]);
      expect(messages[0]).toContain("could not be reached");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => talker.close(r));
    }
  });

  it("refuses an agent of another site for the asset's BMC", async () => {
    const otherSite = await createLocation(deps(), admin, { kind: "SITE", code: `AMS${provider.length}`, name: "Amsterdam" });
    const foreignAgent = await createAgent(deps(), admin, { name: `ams-oob-${provider}`, siteId: otherSite.id });
    const asset = await createAsset(deps(), admin, { serial: `CRED-SITE-${provider}`, modelId: cat.server.id, locationId: cat.rack.id });
    const err = await createEndpoint(deps(), tech, { assetId: asset.id, agentId: foreignAgent.id, protocol: "ipmi", address: "10.0.0.9", username: "admin", password: PASSWORD }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST", fields: { agentId: [expect.any(String)] } });
    expect((err as Error).message).toContain("Amsterdam");
    const { ep } = await endpoint();
    await expect(updateEndpoint(deps(), admin, { id: ep.id, data: { agentId: foreignAgent.id, password: PASSWORD } })).rejects.toMatchObject({ code: "BAD_REQUEST", fields: { agentId: [expect.any(String)] } });
    expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } })).agentId).not.toBe(foreignAgent.id);
  });

  it("seals passwords for their endpoint; rows sealed before still open and are sealed again, on read and at boot", async () => {
    const a = await endpoint();
    const b = await endpoint();
    const rowA = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: a.ep.id } });
    expect(rowA.passwordEnc).toMatch(/^v2:/);
    // A's ciphertext copied onto B does not open there
    expect(() => open(rowA.passwordEnc, undefined, b.ep.id)).toThrow();

    // rows written before v2: the agent still gets the password, and the row is sealed again
    await t.db.bmcEndpoint.update({ where: { id: a.ep.id }, data: { passwordEnc: sealV1(PASSWORD) } });
    const res = await handleAgentApi(new Request("http://127.0.0.1/api/agent/v1/work", { headers: { authorization: `Bearer ${a.agent!.token}` } }), deps());
    expect(res.status).toBe(200);
    expect(((await res.json()) as { targets: { password: string }[] }).targets[0]!.password).toBe(PASSWORD);
    const resealed = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: a.ep.id } });
    expect(resealed.passwordEnc).toMatch(/^v2:/);
    expect(open(resealed.passwordEnc, undefined, a.ep.id)).toBe(PASSWORD);

    // the boot step seals every remaining one; a value that does not open is left alone and counted
    await t.db.bmcEndpoint.update({ where: { id: a.ep.id }, data: { passwordEnc: sealV1(`${PASSWORD}-a`) } });
    await t.db.bmcEndpoint.update({ where: { id: b.ep.id }, data: { passwordEnc: sealV1(`${PASSWORD}-b`) } });
    const broken = await endpoint();
    await t.db.bmcEndpoint.update({ where: { id: broken.ep.id }, data: { passwordEnc: "v1:AAAA:AAAA:AAAA" } });
    expect(await resealLegacyPasswords(t.db)).toEqual({ resealed: 2, unreadable: 1 });
    for (const [id, pw] of [[a.ep.id, `${PASSWORD}-a`], [b.ep.id, `${PASSWORD}-b`]] as const) {
      const row = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id } });
      expect(row.passwordEnc).toMatch(/^v2:/);
      expect(open(row.passwordEnc, undefined, id)).toBe(pw);
    }
    expect(await resealLegacyPasswords(t.db)).toEqual({ resealed: 0, unreadable: 1 });
  });
});
