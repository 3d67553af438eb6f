import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { hostViewFromJson0, hostViewFromJson0Text } from "./lldp-host";

// captured from the LLDP test network (tests/harness/lldp-net.ts): lldpcli -f json0 show neighbors
const SERVER_ONE = `{"lldp":[{"interface":[{"name":"c2","via":"LLDP","rid":"1","age":"0 day, 00:00:07","chassis":[{"id":[{"type":"mac","value":"02:5a:00:00:00:01"}],"name":[{"value":"leaf-sw1"}],"descr":[{"value":"Debian GNU/Linux 12 (bookworm) Linux 6.18.44-fc-v782 #1 SMP PREEMPT_DYNAMIC @0 x86_64"}],"mgmt-ip":[{"value":"169.254.50.1"},{"value":"fe80::2436:28ff:fe6a:455a"}],"mgmt-iface":[{"value":"2"},{"value":"2"}],"capability":[{"type":"Bridge","enabled":false},{"type":"Router","enabled":false},{"type":"Wlan","enabled":false},{"type":"Station","enabled":true}]}],"port":[{"id":[{"type":"ifname","value":"swp2"}],"descr":[{"value":"server port 2"}],"ttl":[{"value":"4"}]}]}]}]}`;
const SWITCH_TWO = `{"lldp":[{"interface":[{"name":"swp1","via":"LLDP","rid":"1","age":"0 day, 00:00:01","chassis":[{"id":[{"type":"mac","value":"02:5b:00:00:00:01"}],"name":[{"value":"srv2"}],"descr":[{"value":"Debian GNU/Linux 12 (bookworm) Linux 6.18.44-fc-v782 #1 SMP PREEMPT_DYNAMIC @0 x86_64"}],"mgmt-ip":[{"value":"fe80::5b:ff:fe00:1"}],"mgmt-iface":[{"value":"2"}],"capability":[{"type":"Bridge","enabled":false},{"type":"Router","enabled":false},{"type":"Wlan","enabled":false},{"type":"Station","enabled":true}]}],"port":[{"id":[{"type":"mac","value":"02:5b:00:00:00:01"}],"descr":[{"value":"c1"}],"ttl":[{"value":"4"}]}]},{"name":"swp2","via":"LLDP","rid":"2","age":"0 day, 00:00:01","chassis":[{"id":[{"type":"mac","value":"02:5b:00:00:00:02"}],"name":[{"value":"srv1"}],"descr":[{"value":"Debian GNU/Linux 12 (bookworm) Linux 6.18.44-fc-v782 #1 SMP PREEMPT_DYNAMIC @0 x86_64"}],"mgmt-ip":[{"value":"fe80::5b:ff:fe00:2"}],"mgmt-iface":[{"value":"2"}],"capability":[{"type":"Bridge","enabled":false},{"type":"Router","enabled":false},{"type":"Wlan","enabled":false},{"type":"Station","enabled":true}]}],"port":[{"id":[{"type":"mac","value":"02:5b:00:00:00:02"}],"descr":[{"value":"c2"}],"ttl":[{"value":"4"}]}]}]}]}`;
const NONE = `{"lldp":[{}]}`;

describe("host LLDP view from lldpcli json0", () => {
  it("one neighbour: the host's interface is its local port", () => {
    expect(hostViewFromJson0Text(SERVER_ONE, { sysName: "srv1" })).toEqual({
      sysName: "srv1",
      chassisId: "",
      localPorts: [{ portNum: 1, portId: "c2", portIdSubtype: "ifname", portDesc: "", ifName: "c2" }],
      neighbors: [
        { localPortNum: 1, localPortId: "c2", chassisId: "02:5a:00:00:00:01", chassisIdSubtype: "mac", portId: "swp2", portIdSubtype: "ifname", portDesc: "server port 2", sysName: "leaf-sw1" },
      ],
    });
  });

  it("several neighbours, MAC port IDs", () => {
    const v = hostViewFromJson0Text(SWITCH_TWO);
    expect(v.localPorts.map((p) => [p.portNum, p.portId])).toEqual([
      [1, "swp1"],
      [2, "swp2"],
    ]);
    expect(v.neighbors.map((n) => [n.localPortId, n.sysName, n.portId, n.portIdSubtype])).toEqual([
      ["swp1", "srv2", "02:5b:00:00:00:01", "mac"],
      ["swp2", "srv1", "02:5b:00:00:00:02", "mac"],
    ]);
  });

  it("no neighbours", () => {
    expect(hostViewFromJson0Text(NONE)).toEqual({ sysName: "", chassisId: "", localPorts: [], neighbors: [] });
  });

  it("two neighbours on one interface share the local port; upper-case MACs are lowered; ip is a network address", () => {
    const one = JSON.parse(SERVER_ONE).lldp[0].interface[0];
    const other = { ...one, chassis: [{ id: [{ type: "ip", value: "10.0.0.1" }], name: [{ value: "other" }] }], port: [{ id: [{ type: "mac", value: "AA-BB-CC-00-11-22" }] }] };
    const v = hostViewFromJson0({ lldp: [{ interface: [one, other] }] });
    expect(v.localPorts).toHaveLength(1);
    expect(v.neighbors[1]).toMatchObject({ localPortNum: 1, chassisIdSubtype: "network", chassisId: "10.0.0.1", portId: "aa:bb:cc:00:11:22", portDesc: "" });
  });

  it.each([
    ["not JSON", "lldp: yes", /not JSON/],
    ["lldpcli -f json (one neighbour: objects, not lists)", JSON.stringify({ lldp: { interface: { c2: { chassis: {} } } } }), /not lldpcli json0 output \(at lldp: .*json0, not json/],
    ["an interface without a name", JSON.stringify({ lldp: [{ interface: [{ chassis: [] }] }] }), /at lldp\.0\.interface\.0\.name/],
  ])("%s -> a clear error", (_name, text, pattern) => {
    let err: unknown;
    try {
      hostViewFromJson0Text(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("BAD_REQUEST");
    expect((err as Error).message).toMatch(pattern);
  });
});
