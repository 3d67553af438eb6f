import { describe, expect, it } from "vitest";
import type { TAgentSwitch, TLldpObservation } from "../../server/contracts/agent";
import type { TLldpView } from "../../server/contracts/lldp";
import { TransportError, type HttpRequest, type Transport } from "../runner/transport";
import { SnmpWalkError, type SnmpTarget } from "./lldp";
import { SwitchPoller } from "./poller";

const VIEW: TLldpView = { sysName: "leaf", chassisId: "02:00:00:00:00:01", localPorts: [], neighbors: [] };
const sw = (id: string, over: Partial<TAgentSwitch> = {}): TAgentSwitch => ({ switchId: id, assetId: `a-${id}`, host: "10.0.0.1", port: 161, intervalSec: 60, timeoutMs: 1000, snmp: { version: "2c", community: "c" }, ...over });

function server(behaviour: { down?: boolean; status?: number } = {}) {
  const posted: TLldpObservation[][] = [];
  const transport: Transport = async (req: HttpRequest) => {
    if (behaviour.down) throw new TransportError("connection refused");
    const obs = (JSON.parse(req.body!) as { observations: TLldpObservation[] }).observations;
    posted.push(obs);
    if (behaviour.status) return { status: behaviour.status, body: "{}" };
    return { status: 200, body: JSON.stringify({ accepted: obs.length, duplicates: 0, stored: obs.map((o) => o.idempotencyKey) }) };
  };
  return { posted, transport, behaviour };
}

describe("the agent's switch poller", () => {
  it("walks each switch with its SNMP settings, reports failures with their reason, delivers once", async () => {
    const targets: SnmpTarget[] = [];
    const srv = server();
    let t = 1_000_000;
    const poller = new SwitchPoller({
      server: "http://x",
      token: "t",
      transport: srv.transport,
      now: () => t,
      random: () => 0,
      walk: async (target) => {
        targets.push(target);
        if (target.version === "3") throw new SnmpWalkError("auth", "SNMPv3 authentication failed for user ops");
        return VIEW;
      },
    });
    poller.setWork([sw("s1"), sw("s2", { snmp: { version: "3", user: "ops", authProtocol: "sha", authKey: "k1k1k1k1", privProtocol: "aes", privKey: "k2k2k2k2" } })]);
    expect(await poller.walkDue()).toBe(2);
    expect(targets[1]).toMatchObject({ version: "3", user: "ops", host: "10.0.0.1", port: 161, timeoutMs: 1000 });
    expect(await poller.deliver()).toBe(true);
    expect(srv.posted).toHaveLength(1);
    const [ok, failed] = srv.posted[0];
    expect(ok).toMatchObject({ kind: "lldp", switchId: "s1", view: VIEW });
    expect(failed).toMatchObject({ switchId: "s2", error: { reason: "auth", message: /authentication failed/ } });
    expect(ok.idempotencyKey).not.toBe(failed.idempotencyKey);
    // nothing is due again before the interval
    expect(await poller.walkDue()).toBe(0);
    t += 70_000;
    expect(await poller.walkDue()).toBe(2);
    // a dropped switch is no longer walked
    poller.setWork([sw("s1")]);
    t += 70_000;
    expect(await poller.walkDue()).toBe(1);
  });

  it("keeps walks the server did not take and sends the same keys again", async () => {
    const srv = server({ down: true });
    const poller = new SwitchPoller({ server: "http://x", token: "t", transport: srv.transport, random: () => 0, walk: async () => VIEW });
    poller.setWork([sw("s1")]);
    await poller.walkDue(true);
    expect(await poller.deliver()).toBe(false);
    srv.behaviour.down = false;
    srv.behaviour.status = 503;
    expect(await poller.deliver()).toBe(false);
    srv.behaviour.status = undefined;
    expect(await poller.deliver()).toBe(true);
    expect(srv.posted.map((b) => b[0].idempotencyKey)).toEqual([srv.posted[0][0].idempotencyKey, srv.posted[0][0].idempotencyKey]);
    expect(await poller.deliver()).toBe(true);
    expect(srv.posted).toHaveLength(2);
  });
});
