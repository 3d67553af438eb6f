/**
 * The LLDP walker against real lldpd + snmpd in network namespaces (tests/harness/lldp-net.ts): a
 * switch and three servers, cables 1 and 2 swapped, cable 3 missing; then the cables are fixed by
 * moving the veths while everything keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LLDP_COMMUNITY, LLDP_V3_USERS, startLldpNet, type LldpNet } from "../../tests/harness/lldp-net";
import { main, type CliIo } from "../cli";
import { walkLldp, type SnmpTarget } from "./lldp";
import type { TLldpView } from "../../server/contracts/lldp";

let net: LldpNet;
const v2c = (): SnmpTarget => ({ host: net.host, port: net.port, version: "2c", community: LLDP_COMMUNITY });

interface Json0 {
  lldp: { interface?: { name: string; chassis: { id: { type: string; value: string }[]; name: { value: string }[] }[]; port: { id: { type: string; value: string }[]; descr?: { value: string }[] }[] }[] }[];
}

/** what lldpd itself reports, in the walker's terms */
function fromLldpcli(j: Json0) {
  return (j.lldp[0].interface ?? []).map((i) => ({
    localPortId: i.name,
    chassisId: i.chassis[0].id[0].value,
    chassisIdSubtype: i.chassis[0].id[0].type,
    portId: i.port[0].id[0].value,
    portIdSubtype: i.port[0].id[0].type,
    portDesc: i.port[0].descr?.[0]?.value ?? "",
    sysName: i.chassis[0].name[0].value,
  }));
}

function wiring(v: TLldpView): Record<string, string> {
  return Object.fromEntries(v.neighbors.map((n) => [n.localPortId, n.sysName]));
}

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
  const code = await main(argv, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

beforeAll(async () => {
  net = await startLldpNet({ servers: 3, cabling: { 1: 2, 2: 1, 3: null } });
  await net.waitForNeighbors({ swp1: "srv2", swp2: "srv1" });
});
afterAll(async () => {
  await net?.stop();
});

describe("LLDP over SNMP from lldpd + snmpd", () => {
  it("the SNMP view equals what lldpd reports: one cable swapped, one missing", async () => {
    const view = await walkLldp(v2c());
    expect(view.sysName).toBe("leaf-sw1");
    expect(view.chassisId).toBe("02:5a:00:00:00:01");
    expect(view.localPorts.map((p) => [p.portId, p.ifName, p.portDesc])).toEqual([
      ["swp1", "swp1", "server port 1"],
      ["swp2", "swp2", "server port 2"],
      ["swp3", "swp3", "server port 3"],
    ]);
    // lldpd numbers its ports by ifIndex inside the namespace: not 1..3, and the join still holds
    expect(view.localPorts.map((p) => p.portNum)).not.toEqual([1, 2, 3]);
    const lldpd = fromLldpcli((await net.lldpcliJson0()) as Json0);
    expect(view.neighbors.map(({ localPortNum: _n, ...rest }) => rest)).toEqual(lldpd);
    expect(wiring(view)).toEqual({ swp1: "srv2", swp2: "srv1" });
    expect(view.neighbors[0]).toMatchObject({ chassisIdSubtype: "mac", portIdSubtype: "mac", chassisId: "02:5b:00:00:00:01" });
  });

  it.each(Object.entries(LLDP_V3_USERS))("SNMPv3 authPriv as %s gives the same view", async (user, c) => {
    const view = await walkLldp({ host: net.host, port: net.port, version: "3", user, authProtocol: c.auth, authKey: c.authKey, privProtocol: c.priv, privKey: c.privKey });
    expect(view).toEqual(await walkLldp(v2c()));
  });

  it("CLI: --json prints the view (exit 0); wrong v3 key exits 3 with the clear error; a wrong privacy key or community times out (exit 5)", async () => {
    const ok = await cli(["lldp", "walk", "--snmp", `${net.host}:${net.port}`, "--community-env", "C", "--json"], { C: LLDP_COMMUNITY });
    expect(ok.code).toBe(0);
    expect(wiring(JSON.parse(ok.stdout) as TLldpView)).toEqual({ swp1: "srv2", swp2: "srv1" });

    const env = { A: "not-the-auth-key", P: LLDP_V3_USERS.alice.privKey, A2: LLDP_V3_USERS.alice.authKey, P2: "not-the-priv-key" };
    const badAuth = await cli(["lldp", "walk", "--snmp", net.host, "--v3-user", "alice", "--auth-env", "A", "--priv-env", "P"], env);
    expect(badAuth.code).toBe(3);
    expect(badAuth.stderr).toMatch(new RegExp(`^error: SNMPv3 authentication failed for user alice at ${net.host.replace(/\./g, "\\.")}:161 .*check --v3-user, --auth sha and the key in --auth-env\\n$`));
    const unknown = await cli(["lldp", "walk", "--snmp", net.host, "--v3-user", "mallory", "--auth-env", "A", "--priv-env", "P"], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/Unknown User Name/);

    const badPriv = await cli(["lldp", "walk", "--snmp", net.host, "--v3-user", "alice", "--auth-env", "A2", "--priv-env", "P2", "--timeout", "300", "--retries", "0"], env);
    expect(badPriv.code).toBe(5);
    expect(badPriv.stderr).toMatch(/timed out: .*--priv aes and the key in --priv-env/);
    const badCommunity = await cli(["lldp", "walk", "--snmp", net.host, "--community-env", "C", "--timeout", "300", "--retries", "0"], { C: "wrong" });
    expect(badCommunity.code).toBe(5);
    for (const r of [badAuth, badPriv, badCommunity]) for (const s of Object.values(env)) expect(r.stderr).not.toContain(s);
  });

  it("moving the veths to fix the cabling is seen by the next walks, nothing restarted", async () => {
    net.plug(1, 1);
    net.plug(2, 2);
    net.plug(3, 3);
    const deadline = Date.now() + 15_000;
    let seen: Record<string, string> = {};
    while (Date.now() < deadline) {
      seen = wiring(await walkLldp(v2c()));
      if (JSON.stringify(seen) === JSON.stringify({ swp1: "srv1", swp2: "srv2", swp3: "srv3" })) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen).toEqual({ swp1: "srv1", swp2: "srv2", swp3: "srv3" });
    const lldpd = fromLldpcli((await net.lldpcliJson0()) as Json0);
    expect((await walkLldp(v2c())).neighbors.map(({ localPortNum: _n, ...rest }) => rest)).toEqual(lldpd);
  });
});
