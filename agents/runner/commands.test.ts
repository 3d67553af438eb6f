/**
 * The agent's command rules: never after the deadline, at most once per
 * commandId (also across restarts), results journaled as `bmc.command`
 * observations. The real journal and ledger on disk, the in-memory agent API
 * for the work, and an executor function standing in for the BMC.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TAgentCommand, TAgentTarget, TObservation } from "../../server/contracts/agent";
import { createMemoryAgentApi } from "../../tests/harness/agent-api-server";
import { Agent, type Clock, type Collector, type FirmwareUpdater, type PowerExecutor } from "./agent";
import { CommandLedger, decideCommand } from "./commands";
import { Journal } from "./journal";
import { handlerTransport } from "./transport";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock: Clock & { t: number } = { t: T0, now: () => clock.t, sleep: async () => {} };

const TARGET: TAgentTarget = {
  endpointId: "ep-1",
  assetId: "asset-1",
  protocol: "ipmi",
  address: "127.0.0.1:9623",
  username: "admin",
  password: "secretpw",
  intervalSec: 60,
  allowCipherZero: false,
  tlsFingerprint: null,
};

function command(id: string, over: Partial<TAgentCommand> = {}): TAgentCommand {
  return { commandId: id, endpointId: "ep-1", action: "off", requestedAt: new Date(T0 - 1_000).toISOString(), expiresAt: new Date(T0 + 120_000).toISOString(), ...over };
}

let dir = "";
beforeEach(() => {
  clock.t = T0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-commands-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function agentWith(execute: PowerExecutor, collect?: Collector, update?: FirmwareUpdater): { agent: Agent; journal: Journal; close: () => void } {
  const api = createMemoryAgentApi({ work: { agentId: "agent-1", siteId: null, pollIntervalSec: 60, targets: [TARGET] } });
  const journal = Journal.open(dir, { fsync: false });
  const agent = new Agent({ server: "http://agent-api.test", token: "test-agent-token", journalDir: dir, transport: handlerTransport(api.handler), execute, clock, journal, ...(collect ? { collect } : {}), ...(update ? { update } : {}) });
  agent.openCommandLedger(journal);
  return {
    agent,
    journal,
    close: () => {
      agent.closeCommandLedger();
      journal.close();
    },
  };
}

function recorder(power: "on" | "off" = "off") {
  const calls: { endpointId: string; action: string; password: string }[] = [];
  const execute: PowerExecutor = async (target, action) => {
    calls.push({ endpointId: target.endpointId, action, password: target.password });
    return { power };
  };
  return { calls, execute };
}

const commandResults = (j: Journal) => j.pending().filter((o): o is Extract<TObservation, { kind: "bmc.command" }> => o.kind === "bmc.command");

describe("decideCommand", () => {
  it("executes before the deadline, never at or after it, and never twice", () => {
    const c = command("c1");
    expect(decideCommand(c, new Set(), T0)).toBe("execute");
    expect(decideCommand(c, new Set(), T0 + 119_999)).toBe("execute");
    expect(decideCommand(c, new Set(), T0 + 120_000)).toBe("expired");
    expect(decideCommand(c, new Set(), T0 + 3_600_000)).toBe("expired");
    expect(decideCommand(c, new Set(["c1"]), T0)).toBe("duplicate");
    expect(decideCommand({ commandId: "c2", expiresAt: "not a date" }, new Set(), T0)).toBe("expired");
  });
});

describe("CommandLedger", () => {
  it("remembers taken commands across a reopen, including a torn last line", () => {
    const l = CommandLedger.open(dir, { nowMs: T0, fsync: false });
    expect(l.claim(command("a"), T0)).toBe("execute");
    expect(l.claim(command("a"), T0)).toBe("duplicate");
    l.close();
    fs.appendFileSync(path.join(dir, "commands.log"), "torn-id"); // a write cut by a crash
    const again = CommandLedger.open(dir, { nowMs: T0, fsync: false });
    expect(again.has("a")).toBe(true);
    expect(again.has("torn-id")).toBe(true);
    expect(again.claim(command("a"), T0)).toBe("duplicate");
    expect(again.claim(command("b"), T0)).toBe("execute");
    again.close();
    expect(fs.readFileSync(path.join(dir, "commands.log"), "utf8").endsWith("\n")).toBe(true);
  });

  it("forgets ids a day after their deadline (they can no longer be handed out)", () => {
    const l = CommandLedger.open(dir, { nowMs: T0, fsync: false });
    l.claim(command("old"), T0);
    l.close();
    const later = CommandLedger.open(dir, { nowMs: T0 + 120_000 + 25 * 3600_000, fsync: false });
    expect(later.has("old")).toBe(false);
    expect(later.size).toBe(0);
    later.close();
  });
});

describe("Agent.runCommand", () => {
  it("carries a command out once and journals the result with the power state", async () => {
    const { calls, execute } = recorder("off");
    const a = agentWith(execute);
    await a.agent.runCommand(command("cmd-1"));
    await a.agent.runCommand(command("cmd-1")); // handed out again (e.g. a retried response)
    expect(calls).toEqual([{ endpointId: "ep-1", action: "off", password: "secretpw" }]);
    const results = commandResults(a.journal);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ kind: "bmc.command", commandId: "cmd-1", endpointId: "ep-1", ok: true, power: "off" });
    a.close();
  });

  it("does not carry out a command again after a restart (same journal directory)", async () => {
    const first = recorder();
    const a = agentWith(first.execute);
    await a.agent.runCommand(command("cmd-2"));
    a.close();
    const second = recorder();
    const b = agentWith(second.execute);
    await b.agent.runCommand(command("cmd-2"));
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(0);
    expect(commandResults(b.journal)).toHaveLength(1); // the first run's result, still pending
    b.close();
  });

  it("never carries out an expired command, and reports it as expired once", async () => {
    const { calls, execute } = recorder();
    const a = agentWith(execute);
    clock.t = T0 + 120_000;
    await a.agent.runCommand(command("cmd-3"));
    await a.agent.runCommand(command("cmd-3"));
    expect(calls).toEqual([]);
    const results = commandResults(a.journal);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ commandId: "cmd-3", ok: false, error: { reason: "expired" } });
    expect(results[0]!.power).toBeUndefined();
    a.close();
  });

  it("reports a failed action with its reason and message, without the password", async () => {
    const a = agentWith(async (target) => {
      throw Object.assign(new Error(`authentication failed for ${target.username}: wrong user name or password`), { code: "auth" });
    });
    await a.agent.runCommand(command("cmd-4"));
    const [r] = commandResults(a.journal);
    expect(r).toMatchObject({ commandId: "cmd-4", ok: false, error: { reason: "auth" } });
    expect(r!.error!.message).toBe("authentication failed for admin: wrong user name or password");
    expect(r!.error!.message).not.toContain("secretpw");
    a.close();
  });

  it("answers a command for a BMC that is not in its work without acting", async () => {
    const { calls, execute } = recorder();
    const a = agentWith(execute);
    await a.agent.runCommand(command("cmd-5", { endpointId: "ep-unknown" }));
    expect(calls).toEqual([]);
    expect(commandResults(a.journal)[0]).toMatchObject({ commandId: "cmd-5", ok: false, error: { reason: "unknown-endpoint" } });
    a.close();
  });

  it("carries out a probe command: the readings first, then the command's result (no power action)", async () => {
    const { calls, execute } = recorder();
    const probed: string[] = [];
    const collect: Collector = async (target) => {
      probed.push(target.endpointId);
      return {
        tlsFingerprint: null,
        result: { protocol: "ipmi", power: "on", deviceId: { firmwareRevision: "2.15", manufacturerId: null, productId: null }, guid: null, fru: { manufacturer: null, productName: null, productSerial: "SRV-1", boardSerial: null, chassisSerial: null, assetTag: null }, sensors: [], sel: [], firmware: [] },
      };
    };
    const a = agentWith(execute, collect);
    await a.agent.runCommand(command("cmd-6", { action: "probe" }));
    expect(calls).toEqual([]);
    expect(probed).toEqual(["ep-1"]);
    expect(a.journal.pending().map((o) => o.kind)).toEqual(["bmc.probe", "bmc.command"]);
    expect(commandResults(a.journal)[0]).toMatchObject({ commandId: "cmd-6", ok: true, power: "on" });
    a.close();
  });

  it("reports a probe command that could not reach the BMC as failed, with the reason", async () => {
    const { execute } = recorder();
    const collect: Collector = async () => {
      throw Object.assign(new Error("no answer within 1000 ms"), { code: "timeout" });
    };
    const a = agentWith(execute, collect);
    await a.agent.runCommand(command("cmd-7", { action: "probe" }));
    expect(a.journal.pending().map((o) => o.kind)).toEqual(["bmc.unreachable", "bmc.command"]);
    expect(commandResults(a.journal)[0]).toMatchObject({ commandId: "cmd-7", ok: false, error: { reason: "timeout" } });
    a.close();
  });

  it("carries out a firmware.update once: the update, then a fresh probe, then the result; a failed update is reported with its reason and no probe", async () => {
    const { calls, execute } = recorder();
    const updates: string[] = [];
    const collect: Collector = async () => ({
      tlsFingerprint: null,
      result: { protocol: "redfish", power: "on", deviceId: { firmwareRevision: "7.00", manufacturerId: null, productId: null }, guid: null, fru: { manufacturer: null, productName: null, productSerial: "SRV-1", boardSerial: null, chassisSerial: null, assetTag: null }, sensors: [], sel: [], firmware: [{ component: "BIOS", version: "2.20.0", source: "redfish.FirmwareInventory" }] },
    });
    const update: FirmwareUpdater = async (_target, params) => {
      updates.push(params.imageUri);
      if (params.imageUri.includes("bad")) throw Object.assign(new Error("the update task ended Exception: signature"), { code: "protocol" });
      return { reset: params.resetType, messages: [] };
    };
    const a = agentWith(execute, collect, update);
    const fw = (id: string, imageUri: string) => command(id, { action: "firmware.update", firmware: { imageUri, resetType: "ForceRestart", maxMs: 60_000 } });
    await a.agent.runCommand(fw("fw-1", "http://repo/good.bin"));
    await a.agent.runCommand(fw("fw-1", "http://repo/good.bin")); // handed out again: not flashed twice
    await a.agent.runCommand(fw("fw-2", "http://repo/bad.bin"));
    await a.agent.runCommand(command("fw-3", { action: "firmware.update" })); // no image: refused without touching the BMC
    expect(calls).toEqual([]);
    expect(updates).toEqual(["http://repo/good.bin", "http://repo/bad.bin"]);
    expect(a.journal.pending().map((o) => o.kind)).toEqual(["bmc.probe", "bmc.command", "bmc.command", "bmc.command"]);
    expect(commandResults(a.journal).map((o) => [o.commandId, o.ok, o.error?.reason ?? null])).toEqual([
      ["fw-1", true, null],
      ["fw-2", false, "protocol"],
      ["fw-3", false, "protocol"],
    ]);
    a.close();
  });
});
