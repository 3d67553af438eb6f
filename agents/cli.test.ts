import { describe, expect, it } from "vitest";
import { ZBmcProbeResult, type TBmcProbeResult } from "../server/contracts/bmc";
import { main, type CliIo } from "./cli";
import type { Backends, IpmiOptions, RedfishOptions } from "./runner/collectors";

const PASSWORD = "s3cret-Pa55";

const RESULT: TBmcProbeResult = {
  protocol: "ipmi",
  power: "on",
  deviceId: { firmwareRevision: "2.15", manufacturerId: 4753, productId: 3842 },
  guid: "SIM-BMC-GUID-01",
  fru: { manufacturer: "Acme", productName: "R640", productSerial: "SN001", boardSerial: null, chassisSerial: null, assetTag: null },
  sensors: [{ name: "CPU Temp", value: 45, unit: "degrees C", status: "ok" }],
  sel: [],
  firmware: [{ component: "BMC", version: "2.15" }],
};

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function fakeBackends(behaviour: { fail?: Error } = {}) {
  const calls: { ipmi: IpmiOptions[]; redfish: RedfishOptions[]; actions: string[] } = { ipmi: [], redfish: [], actions: [] };
  const backends: Backends = {
    ipmi: async () => ({
      probeIpmi: async (o) => {
        calls.ipmi.push(o);
        if (behaviour.fail) throw behaviour.fail;
        return RESULT;
      },
      ipmiPower: async (o, action) => {
        calls.ipmi.push(o);
        calls.actions.push(action);
        if (behaviour.fail) throw behaviour.fail;
        return { power: action === "off" ? "off" : "on" };
      },
    }),
    redfish: async () => ({
      probeRedfish: async (o) => {
        calls.redfish.push(o);
        if (behaviour.fail) throw behaviour.fail;
        return { result: { ...RESULT, protocol: "redfish" }, fingerprint: "AA:BB" };
      },
      redfishPower: async (o, action) => {
        calls.redfish.push(o);
        calls.actions.push(action);
        if (behaviour.fail) throw behaviour.fail;
        return { power: "on" };
      },
    }),
  };
  return { backends, calls };
}

async function run(argv: string[], opts: { env?: Record<string, string>; fail?: Error } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: opts.env ?? { BMC_PW: PASSWORD } };
  const fake = fakeBackends({ fail: opts.fail });
  const code = await main(argv, io, fake.backends);
  return { code, stdout: out.join(""), stderr: err.join(""), calls: fake.calls };
}

const IPMI = ["--ipmi", "127.0.0.1:9001", "--user", "admin", "--password-env", "BMC_PW"];

function expectOneErrorLine(stderr: string, pattern: RegExp) {
  const lines = stderr.split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toContain(PASSWORD);
}

describe("ironledger CLI: argument errors exit 2 with one line", () => {
  it.each([
    [[], /usage/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["bmc"], /missing bmc subcommand/],
    [["bmc", "probe", "--bogus"], /Unknown option '--bogus'/],
    [["bmc", "probe", "--user", "admin", "--password-env", "BMC_PW"], /missing --ipmi HOST:PORT or --redfish URL/],
    [["bmc", "probe", ...IPMI, "--redfish", "https://127.0.0.1:8443"], /either --ipmi or --redfish, not both/],
    [["bmc", "probe", "--ipmi", "127.0.0.1:9001", "--password-env", "BMC_PW"], /missing --user/],
    [["bmc", "probe", "--ipmi", "127.0.0.1:9001", "--user", "admin"], /missing --password-env/],
    [["bmc", "probe", "--ipmi", "127.0.0.1:9001", "--user", "admin", "--password-env", "NOT_SET"], /NOT_SET .*not set/],
    [["bmc", "probe", "--ipmi", "127.0.0.1:99999", "--user", "admin", "--password-env", "BMC_PW"], /invalid port/],
    [["bmc", "probe", ...IPMI, "--privilege", "root"], /--privilege must be user, operator or administrator/],
    [["bmc", "probe", ...IPMI, "--timeout", "soon"], /--timeout must be a whole number/],
    [["bmc", "probe", ...IPMI, "--fingerprint", "AA:BB"], /--fingerprint applies to --redfish only/],
    [["bmc", "probe", "--redfish", "not a url", "--user", "admin", "--password-env", "BMC_PW"], /--redfish must be a URL/],
    [["bmc", "probe", "--redfish", "ftp://x", "--user", "admin", "--password-env", "BMC_PW"], /https:\/\/ URL/],
    [["bmc", "probe", "--redfish", "https://127.0.0.1:8443/wrong/path", "--user", "admin", "--password-env", "BMC_PW"], /BMC's address only \(https:\/\/127\.0\.0\.1:8443\); the path \/wrong\/path would not be used/],
    [["bmc", "probe", "--redfish", "https://127.0.0.1:8443/redfish/v1?x=1", "--user", "admin", "--password-env", "BMC_PW"], /BMC's address only/],
    [["bmc", "probe", "--redfish", "http://127.0.0.1:8443", "--user", "admin", "--password-env", "BMC_PW"], /needs https:\/\/.*clear text/],
    [["bmc", "power", "status", "--redfish", "http://10.0.0.5", "--user", "admin", "--password-env", "BMC_PW"], /needs https:\/\//],
    [["bmc", "power", ...IPMI], /missing power action/],
    [["bmc", "power", "explode", ...IPMI], /unknown power action "explode"/],
    [["agent"], /missing --server/],
    [["agent", "--server", "http://127.0.0.1:1"], /missing --token/],
    [["agent", "--server", "nope", "--token", "t"], /--server must be a URL/],
  ])("%j", async (argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    if (argv.length === 0) {
      expect(r.stdout).toMatch(pattern);
    } else {
      expectOneErrorLine(r.stderr, pattern);
      expect(r.calls.ipmi.length + r.calls.redfish.length).toBe(0);
    }
  });

  it("--help prints usage and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ironledger bmc probe/);
  });
});

describe("ironledger CLI: probe errors map to exit codes", () => {
  it.each([
    ["auth", 3, /^error: authentication failed for admin@127\.0\.0\.1:9001: wrong user name or password$/m],
    ["privilege", 4, /privilege level refused for admin@127\.0\.0\.1:9001/],
    ["timeout", 5, /timed out talking to 127\.0\.0\.1:9001/],
    ["tls-mismatch", 6, /does not match the pinned fingerprint/],
    ["network", 1, /cannot reach 127\.0\.0\.1:9001/],
    ["protocol", 1, /protocol error from 127\.0\.0\.1:9001/],
  ])("%s -> exit %i", async (code, exit, pattern) => {
    const message = code === "auth" ? "wrong user name or password" : "the BMC answered something unexpected";
    const r = await run(["bmc", "probe", ...IPMI, "--json"], { fail: codedError(code, message) });
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe("");
    expectOneErrorLine(r.stderr, pattern);
  });
});

describe("ironledger CLI: successful commands", () => {
  it("bmc probe --json prints one TBmcProbeResult and passes the options through", async () => {
    const r = await run(["bmc", "probe", ...IPMI, "--privilege", "operator", "--timeout", "2500", "--allow-cipher-zero", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(ZBmcProbeResult.parse(JSON.parse(r.stdout))).toEqual(RESULT);
    expect(r.calls.ipmi[0]).toMatchObject({
      host: "127.0.0.1",
      port: 9001,
      username: "admin",
      password: PASSWORD,
      privilege: "operator",
      timeoutMs: 2500,
      allowCipherZero: true,
    });
  });

  it("bmc probe without --json prints a short summary", async () => {
    const r = await run(["bmc", "probe", "--redfish", "https://127.0.0.1:8443", "--user", "root", "--password-env", "BMC_PW", "--fingerprint", "AA:BB"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/127\.0\.0\.1:8443 \(redfish\): power on/);
    expect(r.stdout).toMatch(/TLS\s+AA:BB/);
    expect(r.calls.redfish[0]).toMatchObject({ url: "https://127.0.0.1:8443", pinnedFingerprint: "AA:BB" });
  });

  it("bmc power off --json prints the power state", async () => {
    const r = await run(["bmc", "power", "off", ...IPMI, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ power: "off" });
    expect(r.calls.actions).toEqual(["off"]);
  });

  it("defaults the IPMI port to 623", async () => {
    const r = await run(["bmc", "power", "status", "--ipmi", "10.0.0.5", "--user", "admin", "--password-env", "BMC_PW", "--json"]);
    expect(r.code).toBe(0);
    expect(r.calls.ipmi[0]).toMatchObject({ host: "10.0.0.5", port: 623 });
  });
});

describe("ironledger agent: plain http:// server (issue 7, point 5)", () => {
  // the server sends BMC passwords to the agent: http:// only on loopback or with --insecure-http
  it.each([
    "http://192.0.2.10:3000",
    "http://ironledger.example",
    "http://[2001:db8::1]:3000",
    "http://10.0.0.5",
  ])("refuses %s with one line and exit 2, before any request", async (server) => {
    const r = await run(["agent", "--server", server, "--token", "t"]);
    expect(r.code).toBe(2);
    expectOneErrorLine(r.stderr, /plain http:\/\/ to another machine.*clear text.*https:\/\/.*--insecure-http/);
  });

  it("starts with --insecure-http and prints the warning at every start", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-cli-insecure-"));
    try {
      for (let start = 0; start < 2; start++) {
        const err: string[] = [];
        const ac = new AbortController();
        ac.abort(); // stop at once: nothing is sent anywhere
        const io: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), env: {}, signal: ac.signal };
        const code = await main(["agent", "--server", "http://192.0.2.10:3000", "--token", "t", "--journal", dir, "--insecure-http"], io);
        expect(code).toBe(0);
        expect(err.join("").split("\n").filter((l) => /^WARNING: .*plain http:\/\/.*--insecure-http.*clear text/.test(l))).toHaveLength(1);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["http://127.0.0.1:3000", "http://127.8.9.10", "http://localhost:3000", "http://[::1]:3000", "https://ironledger.example"])(
    "accepts %s without a warning",
    async (server) => {
      const { checkServerUrl } = await import("./runner/transport");
      expect(checkServerUrl(server).warning).toBeNull();
    },
  );

  it("the transport itself refuses a non-loopback http:// URL (library use without the CLI)", async () => {
    const { nodeTransport, TransportError } = await import("./runner/transport");
    const t = nodeTransport();
    await expect(t({ method: "GET", url: "http://192.0.2.10:3000/api/agent/v1/work", headers: {}, timeoutMs: 1000 })).rejects.toBeInstanceOf(TransportError);
    await expect(t({ method: "GET", url: "http://192.0.2.10:3000/x", headers: {}, timeoutMs: 1000 })).rejects.toThrow(/clear text/);
  });
});

describe("ironledger CLI: secrets are kept out structurally, not by editing text", () => {
  it("a one-letter password does not mangle the message (no substring replacement)", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { BMC_PW: "e" } };
    const fake = fakeBackends({ fail: codedError("protocol", "expected a ComputerSystem, the BMC sent none") });
    const code = await main(["bmc", "probe", "--ipmi", "127.0.0.1:9001", "--user", "admin", "--password-env", "BMC_PW"], io, fake.backends);
    expect(code).toBe(1);
    expect(err.join("")).toBe("error: protocol error from 127.0.0.1:9001: expected a ComputerSystem, the BMC sent none\n");
  });
});

describe("ironledger CLI: the summary shows discrete states, unreadable records and every system", () => {
  it("prints the asserted states of a failing discrete sensor, a count of unreadable records, the systems and warnings", async () => {
    const result: TBmcProbeResult = {
      ...RESULT,
      sensors: [
        { name: "PSU1 Status", value: null, unit: "discrete", status: "cr", states: [{ offset: 0, name: "Presence detected" }, { offset: 1, name: "Failure detected" }] },
        { name: "SDR record 7", value: null, unit: "", status: "ns", error: "full sensor record 7 too short (40)" },
      ],
      systems: [
        { id: "/redfish/v1/Systems/1", primary: true, systemType: "Physical", manufacturer: null, model: null, sku: null, partNumber: null, serialNumber: "SN1", biosVersion: null, assetTag: null, uuid: null, power: "on", chassisSerial: null, boardSerial: null, sensors: [], components: [], macs: [] },
        { id: "/redfish/v1/Systems/DPU1", primary: false, systemType: "DPU", manufacturer: null, model: null, sku: null, partNumber: null, serialNumber: "DPU9", biosVersion: null, assetTag: null, uuid: null, power: null, chassisSerial: null, boardSerial: null, sensors: [], components: [], macs: [] },
      ],
      warnings: ["the BMC answered /redfish/v1/Systems/1/Memory/2 with a payload that does not follow the Redfish schema"],
    };
    const backends: Backends = {
      ipmi: async () => ({ probeIpmi: async () => result, ipmiPower: async () => ({ power: "on" }) }),
      redfish: async () => ({ probeRedfish: async () => ({ result, fingerprint: "AA" }), redfishPower: async () => ({ power: "on" }) }),
    };
    const out: string[] = [];
    const code = await main(["bmc", "probe", ...IPMI], { stdout: (t) => out.push(t), stderr: () => {}, env: { BMC_PW: PASSWORD } }, backends);
    expect(code).toBe(0);
    const text = out.join("");
    expect(text).toContain("sensors  2 (1 not ok: PSU1 Status=[Presence detected, Failure detected] cr), 1 unreadable");
    expect(text).toContain("systems  1 (Physical) SN1, DPU1 (DPU) DPU9");
    expect(text).toMatch(/warnings 1 \(left out: the BMC answered \/redfish\/v1\/Systems\/1\/Memory\/2/);
  });
});
