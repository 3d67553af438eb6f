/**
 * Burn-in end to end: a 48 h profile run to completion in seconds with the injectable clock, against
 * real ipmi_sim BMCs through the real site agent (in this process, its clock the test's) talking HTTP to
 * the real agent API handler, with the real job runner. One BMC overheats mid-run (sensor raised through
 * the simulator's console), one logs an uncorrectable ECC error, one stops answering: each fails with
 * that evidence; the other two pass (power cycle verified through the agent, in-band results reported).
 * The workers are restarted mid-run and the agent's server is away for a while (its journal delivers the
 * readings late, judged by their own time): nothing is lost.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, type Clock } from "../../../agents/runner/agent";
import { nodeTransport, TransportError, type Transport } from "../../../agents/runner/transport";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { startIpmiSim, USERS, variedSpecs, type IpmiSimHarness } from "../../../tests/harness/ipmi-sim";
import { startRunner, type TRunner } from "../../../workers/runner";
import { handleAgentApi } from "../../agent-api/http";
import { handleRest } from "../../rest/http";
import type { TDeps } from "../../context";
import type { TJobKind } from "../../jobs/queue";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createAgent, createEndpoint } from "../bmc/service";
import { expireCommandJob } from "../bmc/commands";
import { ingestObservations } from "../bmc/agent-service";
import { abortRun, board, BURNIN_JOBS, burnInEvidenceFor, createProfile, downsample, extendRun, judgeRun, rerun, runDetail, runEvidence, startRuns } from "./service";
import type { TProfileCreate } from "./schema";
import { evidencePdf } from "./report";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const H = 3_600_000;
const PROFILE: TProfileCreate = {
  name: "r760-soak",
  family: "PowerEdge R7xx",
  spec: {
    durationSec: 48 * 3600,
    cadenceSec: 3600,
    graceSec: 600,
    maxSilenceSec: 5 * 3600,
    stages: [{ kind: "power-cycle", atSec: 24 * 3600 }],
    sensorRules: [
      { id: "cpu-overheat", match: { name: "cpu temp" }, above: 85, forSec: 2 * 3600 },
      { id: "fan-stall", match: { type: "fan" }, below: 500, forSec: 3600 },
    ],
    inband: [{ stage: "cpu", tool: "stress-ng", criteria: { bogo_ops: { min: 1000 } } }],
  },
};

describe("burn-in against real BMCs through the real agent (SQLite)", () => {
  let t: TTestDb;
  let deps: TDeps;
  const clock = new FakeClock(new Date("2026-03-02T06:00:00Z"));
  let sim: IpmiSimHarness;
  let server: AgentApiServer;
  let agent: Agent;
  let agentDone: Promise<unknown>;
  const stopAgent = new AbortController();
  let runner: TRunner;
  let journalDir = "";
  let serverAway = false;
  let workFetches = 0;
  const agentLog: string[] = [];
  const assets: string[] = [];
  const kinds = [...BURNIN_JOBS, expireCommandJob] as TJobKind[];
  const startWorkers = () => startRunner(deps, kinds, { pollMs: 20, leaseMs: 10_000, concurrency: 2, log: () => {} });

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    const admin = actor("admin");
    sim = await startIpmiSim(variedSpecs(5, "BI"), { perProcess: 4 }); // BMC 4 alone in its process: it can stop answering
    const ag = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
    for (let i = 0; i < 5; i++) {
      const a = await createAsset(deps, admin, { serial: `BI${String(i).padStart(5, "0")}`, modelId: cat.server.id, status: "RECEIVED" });
      assets.push(a.id);
      await createEndpoint(deps, admin, { assetId: a.id, agentId: ag.id, protocol: "ipmi", address: `127.0.0.1:${sim.bmcs[i]!.port}`, username: USERS.admin.username, password: USERS.admin.password, intervalSec: 86_400 });
    }
    server = await startAgentApiServer({
      handler: (req) => {
        if (new URL(req.url).pathname.split("/").pop() === "work") workFetches++; // the agent asking for its work
        return handleAgentApi(req, deps);
      },
    });
    journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-burnin-"));
    // the agent's clock is the test's: a wait ends after its time in real time or on the test's clock, whichever comes first
    const agentClock: Clock = {
      now: () => clock.now().getTime(),
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          const [real, fake] = [Date.now(), clock.now().getTime()];
          const timer = setInterval(() => {
            if (Date.now() - real >= ms || clock.now().getTime() - fake >= ms) done();
          }, 10);
          function done() {
            clearInterval(timer);
            signal?.removeEventListener("abort", done);
            resolve();
          }
          signal?.addEventListener("abort", done, { once: true });
        }),
    };
    const http = nodeTransport({ allowInsecureHttp: true });
    const transport: Transport = async (req) => {
      if (serverAway && req.url.endsWith("/observations")) throw new TransportError("connection refused (the test took the server away)");
      return http(req);
    };
    agent = new Agent({ server: server.url, token: ag.token, journalDir, transport, clock: agentClock, random: () => 0.5, log: (l) => agentLog.push(l), probeTimeoutMs: 4000, commandWaitSec: 2, signal: stopAgent.signal });
    agentDone = agent.run();
    runner = startWorkers();
    for (let i = 0; i < 1000 && !agentLog.some((l) => / has 5 target/.test(l)); i++) await new Promise((r) => setTimeout(r, 20)); // the agent has its targets
  }, 120_000);

  afterAll(async () => {
    stopAgent.abort();
    await agentDone?.catch(() => {});
    await runner?.stop();
    await server?.stop();
    await sim?.stop();
    await t?.close();
    if (journalDir) fs.rmSync(journalDir, { recursive: true, force: true });
  });

  async function until(what: string, cond: () => Promise<boolean>, ms = 15_000) {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: now=${clock.now().toISOString()} ${JSON.stringify([...((agent as any).targets as Map<string, any>).values()].map((s) => [new Date(s.due).toISOString(), s.running, s.target.intervalSec, s.failures]))} inflight=${(agent as any).inFlight.size} ${agentLog.slice(-8).join(" / ")} ${JSON.stringify(await t.db.bmcObservation.findMany({ where: { kind: "bmc.unreachable" }, select: { payload: true, observedAt: true }, take: 3 }))}${JSON.stringify(await t.db.bmcObservation.groupBy({ by: ["kind"], _count: true }))} ${JSON.stringify((await runsOf()).map((r) => [r.status, r.samples, r.lastSampleAt, r.failure, r.cycles]))}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }
  const runsOf = () => t.db.burnInRun.findMany({ where: { assetId: { in: assets } }, orderBy: { startedAt: "asc" } });

  it("runs a 48 h soak in seconds: overheating, a critical SEL entry and a silent BMC fail with evidence, the rest pass", async () => {
    const tech = actor("technician");
    const profile = await createProfile(deps, tech, PROFILE);
    const started = await startRuns(deps, tech, { profileId: profile.id, assetIds: assets, reason: "new delivery" });
    expect(started.runs).toHaveLength(5);
    const runOf = new Map(started.runs.map((r) => [r.assetId, r]));
    const t0 = clock.now().getTime();
    const sampleAt = async (assetIdx: number[], at: number) => {
      const rows = await t.db.burnInRun.findMany({ where: { assetId: { in: assetIdx.map((i) => assets[i]!) } }, select: { lastSampleAt: true, status: true } });
      return rows.every((r) => r.status !== "RUNNING" || (r.lastSampleAt?.getTime() ?? 0) >= at);
    };
    const live = [0, 1, 2, 3];
    // hour 0: the watches reach the agent (work), the first readings arrive
    const fetched = workFetches;
    clock.advance(61_000); // the agent asks for its work every minute
    await until("the agent to fetch its work with the watches", async () => workFetches > fetched);
    await until("first readings of every BMC", () => sampleAt([0, 1, 2, 3, 4], t0));

    for (let h = 4; h <= 48; h += 4) {
      if (h === 8) await sim.processOf(sim.bmcs[0]!).setSensorRaw(sim.bmcs[0]!, 1, 95); // CPU Temp 95 °C from now on
      if (h === 12) {
        const b = sim.bmcs[1]!;
        await sim.processOf(b).console(`sel_add 0x${b.ipmbAddr.toString(16)} 0x02 0 0 0 0 0x20 0x00 0x04 0x0c 0x09 0x6f 0x01 0xff 0xff`);
      }
      if (h === 16) await sim.processOf(sim.bmcs[4]!).stop(); // BMC 4 stops answering for good
      if (h === 20) await runner.stop(); // the workers go away mid-run…
      if (h === 24) runner = startWorkers(); // …and come back
      if (h === 32) serverAway = true; // the agent cannot deliver: readings stay in its journal
      if (h === 40) serverAway = false;
      const probesBefore = (agent as unknown as { probes: number }).probes;
      clock.t = new Date(t0 + h * H);
      const now = clock.now().getTime();
      if (h < 32 || h >= 40) await until(`readings at hour ${h}`, () => sampleAt(live, now));
      else {
        // the agent probes into its journal: the healthy two are read at this hour
        await until(`readings at hour ${h} in the agent's journal`, async () => (agent as unknown as { probes: number }).probes >= probesBefore + 2 && (agent as unknown as { inFlight: Set<unknown> }).inFlight.size === 0);
      }
      if (h === 24) {
        // the power cycle due at hour 24 goes through the agent and is confirmed by the power state the BMC reports
        await until("the power cycles to be confirmed", async () => {
          if (clock.now().getTime() < t0 + 24 * H + 20_000) clock.advance(500); // the tick job reads the commands' results
          return (await runsOf()).filter((r) => [2, 3].includes(assets.indexOf(r.assetId))).every((r) => (JSON.parse(r.cycles) as { status: string }[])[0]?.status === "DONE");
        });
      }
      if (h === 16) {
        // the failures so far were found while the soak runs, not at its end
        await until("the overheating and the SEL failure to be judged", async () => (await runsOf()).filter((r) => r.status === "FAILED").length >= 2);
      }
    }
    // readings journaled during the outage (hours 32 and 36) are stored with their own times and counted
    for (const i of [2, 3]) {
      const times = (await t.db.burnInSample.findMany({ where: { runId: runOf.get(assets[i]!)!.runId }, select: { at: true } })).map((s) => s.at.getTime());
      const why = JSON.stringify((await runsOf()).map((r) => [r.status, r.failure]));
      expect(times, why).toContain(t0 + 32 * H);
      expect(times, why).toContain(t0 + 36 * H);
    }
    // in-band results of the two healthy servers
    for (const i of [2, 3]) {
      const r = runOf.get(assets[i]!)!;
      const res = await postResult(r.token, { runId: r.runId, stage: "cpu", tool: "stress-ng", startedAt: new Date(t0 + H).toISOString(), finishedAt: new Date(t0 + 3 * H).toISOString(), passed: true, figures: { bogo_ops: 5000 }, log: "stress-ng: info: successful run completed" });
      expect(res.status, JSON.stringify([res.body, (await runsOf()).map((r) => [r.status, r.failure])])).toBe(201);
    }
    // the deadline (48 h + grace) passes: the deadline jobs judge every run
    clock.advance(15 * 60_000);
    await until("every run to finish", async () => (await runsOf()).every((r) => r.status !== "RUNNING"));

    const byAsset = new Map((await runsOf()).map((r) => [r.assetId, r]));
    const failure = (i: number) => JSON.parse(byAsset.get(assets[i]!)!.failure ?? "null") as { rule: string; kind: string; at: string; sensor?: string; message: string } | null;
    expect(byAsset.get(assets[0]!)!.status).toBe("FAILED");
    expect(failure(0)).toMatchObject({ rule: "cpu-overheat", kind: "sensor", sensor: "CPU Temp" });
    expect(Date.parse(failure(0)!.at)).toBe(t0 + 12 * H); // over the limit from hour 8, read again at 12 (rule: 2 h)
    expect(byAsset.get(assets[1]!)!.status).toBe("FAILED");
    expect(failure(1)).toMatchObject({ rule: "sel.uncorrectable-ecc", kind: "sel" });
    expect(byAsset.get(assets[4]!)!.status).toBe("FAILED");
    expect(failure(4)).toMatchObject({ rule: "bmc.silence", kind: "silence" });
    for (const i of [2, 3]) expect(byAsset.get(assets[i]!)!.status, `asset ${i}: ${JSON.stringify(failure(i))}`).toBe("PASSED");

    // the assets moved through the lifecycle
    const statuses = await t.db.asset.findMany({ where: { id: { in: assets } }, select: { id: true, status: true } });
    expect(assets.map((id) => statuses.find((s) => s.id === id)!.status)).toEqual(["FAILED", "FAILED", "READY_TO_RACK", "READY_TO_RACK", "FAILED"]);

    // evidence: the failing rule, the trace around it, the SEL, the serials
    const ev0 = (await runEvidence(deps, byAsset.get(assets[0]!)!.id))!;
    expect(ev0.trace!.sensor).toBe("CPU Temp");
    expect(ev0.trace!.points.some(([, v]) => v === 95)).toBe(true);
    expect(ev0.trace!.points.some(([, v]) => v !== null && v < 60)).toBe(true);
    expect(ev0.serials).toMatchObject({ serial: "BI00000", model: "PowerEdge R760" });
    const ev1 = (await runEvidence(deps, byAsset.get(assets[1]!)!.id))!;
    expect(ev1.sel.some((e) => e.severity === "fatal" && /Uncorrectable ECC/.test(e.event))).toBe(true);
    // the PSU entry the simulator held before the soak is context, never a failure
    expect(await t.db.burnInEvent.count({ where: { runId: byAsset.get(assets[2]!)!.id, severity: "baseline" } })).toBeGreaterThan(0);
    expect(await burnInEvidenceFor(deps, assets[0]!)).toMatchObject({ serial: "BI00000", failure: { rule: "cpu-overheat" } });
    expect(await burnInEvidenceFor(deps, assets[2]!)).toBeNull();

    // the power cycle was carried out on the BMCs through the agent's command channel
    const detail = await runDetail(deps, actor("viewer"), byAsset.get(assets[2]!)!.id);
    expect(detail.cycles).toMatchObject([{ status: "DONE" }]);
    expect(sim.bmcs[2]!.requests()).toEqual(expect.arrayContaining(["set power 0", "set power 1"]));
    expect(detail.series.find((s) => s.sensor.name === "CPU Temp")!.limits).toEqual({ above: 85 });
    expect(detail.samples).toBeGreaterThanOrEqual(12);
    expect(detail.canDecide).toBe(false);

    // the evidence exports as a PDF for the vendor
    const pdf = await evidencePdf(deps, actor("viewer"), byAsset.get(assets[0]!)!.id);
    const bytes = Buffer.from(pdf.base64, "base64");
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(5_000);
    expect(pdf.filename).toBe(`burnin-BI00000-${byAsset.get(assets[0]!)!.id}.pdf`);

    // the board
    const b = await board(deps);
    expect(b.running).toHaveLength(0);
    expect(b.recent.filter((r) => r.status === "FAILED").map((r) => r.failure!.rule).sort()).toEqual(["bmc.silence", "cpu-overheat", "sel.uncorrectable-ecc"]);

    // a finished run takes no more results
    const late = await postResult(runOf.get(assets[0]!)!.token, { runId: runOf.get(assets[0]!)!.runId, stage: "cpu", tool: "stress-ng", startedAt: new Date(t0).toISOString(), finishedAt: new Date(t0 + H).toISOString(), passed: true });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/already FAILED/);

    // raw samples become per-minute series; after the retention only those remain, and the evidence still reads
    clock.advance(31 * 86_400_000);
    const ds = await downsample(deps);
    expect(ds.pruned).toBe(5); // (the workers' hourly job may have downsampled some already)
    for (const r of byAsset.values()) expect(await t.db.burnInMinute.count({ where: { runId: r.id } })).toBeGreaterThan(0);
    expect(await t.db.burnInSample.count()).toBe(0);
    expect(await t.db.burnInMinute.count()).toBeGreaterThan(0);
    const after = await runDetail(deps, actor("viewer"), byAsset.get(assets[0]!)!.id);
    expect(after.series.find((s) => s.sensor.name === "CPU Temp")!.points.some(([, v]) => v === 95)).toBe(true);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  }, 90_000);

  async function postResult(token: string, body: unknown) {
    const res = await handleRest(new Request("http://127.0.0.1/api/v1/burnin/results", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), deps);
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string[]> } } & Record<string, unknown> };
  }

  it("refuses in-band results with bad payloads, a wrong token, another run's id or a repeated stage, with errors that say what to fix; abort, extend and re-run are audited", async () => {
    const tech = actor("technician");
    const admin = actor("admin");
    const cat = await t.db.hardwareModel.findFirstOrThrow({ where: { kind: "SERVER" } });
    const a = await createAsset(deps, admin, { serial: "BI-INBAND-1", modelId: cat.id, status: "RECEIVED" });
    const b = await createAsset(deps, admin, { serial: "BI-INBAND-2", modelId: cat.id, status: "RECEIVED" });
    const profile = (await t.db.burnInProfile.findFirstOrThrow({ where: { name: "r760-soak" } })).id;
    const s = await startRuns(deps, tech, { profileId: profile, assetIds: [a.id, b.id] });
    const [ra, rb] = s.runs;
    const now = clock.now().getTime();
    const good = { runId: ra!.runId, stage: "cpu", tool: "stress-ng", startedAt: new Date(now).toISOString(), finishedAt: new Date(now + 60_000).toISOString(), passed: true, figures: { bogo_ops: 10 } };

    const noToken = await handleRest(new Request("http://127.0.0.1/api/v1/burnin/results", { method: "POST", body: "{}" }), deps);
    expect(noToken.status).toBe(401);
    expect((await postResult("ilb_not-a-token", good)).status).toBe(401);
    const apiToken = await postResult("ilt_whatever", good);
    expect(apiToken.status).toBe(401);
    expect(apiToken.body.error.message).toMatch(/results token/);
    const other = await postResult(rb!.token, good);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(/issued for run/);
    const bad = await postResult(ra!.token, { ...good, startedAt: "yesterday", log: "x".repeat(9000), figures: { bogo_ops: "many" } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields!).sort()).toEqual(["body.figures.bogo_ops", "body.log", "body.startedAt"]);
    expect(bad.body.error.fields!["body.log"]![0]).toMatch(/send the end of the log/);
    const backwards = await postResult(ra!.token, { ...good, finishedAt: new Date(now - 1).toISOString() });
    expect(backwards.body.error.fields).toEqual({ "body.finishedAt": ["finishedAt is before startedAt."] });
    const notJson = await handleRest(new Request("http://127.0.0.1/api/v1/burnin/results", { method: "POST", headers: { authorization: `Bearer ${ra!.token}` }, body: "stage=cpu" }), deps);
    expect(notJson.status).toBe(400);
    const stage = await postResult(ra!.token, { ...good, stage: "gpu" });
    expect(stage.status).toBe(400);
    expect(stage.body.error.message).toMatch(/expects no stage "gpu"; expected: cpu/);
    const low = await postResult(ra!.token, good);
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ passed: false, message: expect.stringMatching(/bogo_ops = 10, below the minimum of 1000/) });
    const again = await postResult(ra!.token, good);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already reported/);
    // the failed stage fails the run at its next judgement
    expect(await judgeRun(deps, ra!.runId, false)).toBe("FAILED");
    expect(JSON.parse((await t.db.burnInRun.findUniqueOrThrow({ where: { id: ra!.runId } })).failure!)).toMatchObject({ rule: "inband.cpu", kind: "inband" });

    // extend, abort and re-run, each with a reason
    await expect(extendRun(deps, tech, { runId: rb!.runId, hours: 12, reason: "" })).rejects.toThrow(/Say why/);
    const ext = await extendRun(deps, tech, { runId: rb!.runId, hours: 12, reason: "vendor asked for 60 h" });
    expect(ext.endsAt.getTime()).toBe(now + 60 * H);
    await expect(abortRun(deps, actor("viewer"), { runId: rb!.runId, reason: "nope" })).rejects.toThrow(/may not/);
    expect(await abortRun(deps, tech, { runId: rb!.runId, reason: "wrong cable" })).toBe("ABORTED");
    await expect(abortRun(deps, tech, { runId: rb!.runId, reason: "again" })).rejects.toThrow(/already ABORTED/);
    const again2 = await rerun(deps, tech, { runId: rb!.runId, reason: "cable fixed" });
    expect(again2.runs).toHaveLength(1);
    await expect(rerun(deps, tech, { runId: ra!.runId, reason: "try again" })).rejects.toThrow(/asset is FAILED/);
    // the first deadline of the extended (then aborted) run does nothing; the re-run has its own
    const audit = await t.db.auditLog.findMany({ where: { entity: "BurnInRun", entityId: { in: [rb!.runId, again2.runs[0]!.runId] } }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(audit.map((x) => x.action)).toEqual(["burnin.start", "burnin.extend", "burnin.aborted", "burnin.rerun"]);
    // a missing expected stage fails the re-run at its deadline
    clock.advance(49 * H);
    await until("the re-run's deadline", async () => (await t.db.burnInRun.findUniqueOrThrow({ where: { id: again2.runs[0]!.runId } })).status !== "RUNNING");
    const rr = await t.db.burnInRun.findUniqueOrThrow({ where: { id: again2.runs[0]!.runId } });
    expect(rr.status).toBe("FAILED");
    expect(JSON.parse(rr.failure!)).toMatchObject({ rule: "inband.cpu", message: "The in-band stage cpu (stress-ng) was expected but never reported." });
  }, 30_000);
});

describe.each(DATABASES)("burn-in ingest and judgement on %s", (provider) => {
  let t: TTestDb;
  afterAll(() => t?.close());
  it("packs readings per asset and time, keeps each SEL entry once, judges by the readings' own times", async () => {
    t = await freshDatabase(provider);
    const clock = new FakeClock(new Date("2026-04-01T00:00:00Z"));
    const deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    const admin = actor("admin");
    const ag = await createAgent(deps, admin, { name: "lab", siteId: cat.site.id });
    const a = await createAsset(deps, admin, { serial: `PK-${provider}`, modelId: cat.server.id, status: "RECEIVED" });
    const ep = await createEndpoint(deps, admin, { assetId: a.id, agentId: ag.id, protocol: "ipmi", address: "127.0.0.1:9", username: "u", password: "p" });
    const profile = await createProfile(deps, admin, { name: "quick", family: "lab", spec: { durationSec: 3600, cadenceSec: 10, graceSec: 0, maxSilenceSec: 600, sensorRules: [{ id: "inlet", match: { type: "temperature", name: "inlet" }, above: 35, forSec: 300 }] } });
    const { runs } = await startRuns(deps, admin, { profileId: profile.id, assetIds: [a.id] });
    const t0 = clock.now().getTime();
    const agentId = { id: ag.id, name: "lab", siteId: cat.site.id };
    const probe = (sec: number, inlet: number, sel: { id: number; event: string }[] = []) => ({
      kind: "bmc.probe" as const,
      idempotencyKey: `k-${provider}-${sec}`,
      endpointId: ep.id,
      observedAt: new Date(t0 + sec * 1000).toISOString(),
      durationMs: 5,
      result: {
        protocol: "ipmi" as const,
        power: "on" as const,
        deviceId: { firmwareRevision: "1.0", manufacturerId: null, productId: null },
        guid: null,
        fru: { manufacturer: null, productName: null, productSerial: `PK-${provider}`, boardSerial: null, chassisSerial: null, assetTag: null },
        sensors: [
          { name: "Inlet Temp", value: inlet, unit: "degrees C", status: "ok" as const },
          { name: "Fan 1", value: 6000, unit: "RPM", status: "ok" as const },
        ],
        sel: sel.map((e) => ({ id: e.id, timestamp: new Date(t0 + sec * 1000).toISOString(), sensorType: "Memory", event: e.event })),
        firmware: [],
      },
    });
    clock.advance(20 * 60_000);
    // delivered out of order (a journal catching up): judged by their own times
    await ingestObservations(deps, agentId, { observations: [probe(600, 36), probe(0, 22), probe(300, 36, [{ id: 7, event: "Correctable ECC" }]), probe(900, 37, [{ id: 7, event: "Correctable ECC" }])] });
    await ingestObservations(deps, agentId, { observations: [probe(300, 36)] }); // a re-delivery stores nothing twice
    const rows = await t.db.burnInSample.findMany({ where: { runId: runs[0]!.runId }, orderBy: { at: "asc" } });
    expect(rows.map((r) => (r.at.getTime() - t0) / 1000)).toEqual([0, 300, 600, 900]);
    expect(rows[0]!.values.byteLength).toBe(8); // two sensors, Float32 each
    expect(await t.db.burnInEvent.count({ where: { runId: runs[0]!.runId } })).toBe(1);
    expect(await judgeRun(deps, runs[0]!.runId, false)).toBe("FAILED");
    const run = await t.db.burnInRun.findUniqueOrThrow({ where: { id: runs[0]!.runId } });
    expect(JSON.parse(run.failure!)).toMatchObject({ rule: "inlet", sensor: "Inlet Temp", value: 36, at: new Date(t0 + 600_000).toISOString() });
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("FAILED");
  }, 30_000);
});
