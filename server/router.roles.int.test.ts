/**
 * Walks every tRPC procedure × every role (and signed out) through a real
 * caller on a real database: the role guard is what meta.roles says, and every
 * procedure says something. New procedures are picked up automatically.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { actor, depsFor, FakeClock } from "../tests/harness/fixtures";
import { ROLES, type TRole } from "./auth/roles";
import type { TActor } from "./context";
import { appRouter } from "./router";
import { createCallerFactory, type TContext, type TMeta } from "./trpc";
import { createLiveHub, type TLiveHub } from "./live/hub";

interface TProcInfo {
  path: string;
  type: string;
  roles: TMeta["roles"] | undefined;
}

function procedures(): TProcInfo[] {
  // typed as the nested router record; at runtime it is flat: "assets.list" → procedure
  const procs = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: Partial<TMeta> } }>;
  return Object.entries(procs)
    .map(([path, p]) => ({ path, type: p._def.type, roles: p._def.meta?.roles }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

type TCallable = (input?: unknown) => Promise<unknown>;

/** caller.assets.list → the function at "assets.list" */
function callAt(caller: unknown, path: string): TCallable {
  let node: unknown = caller;
  for (const seg of path.split(".")) node = (node as Record<string, unknown>)[seg];
  if (typeof node !== "function") throw new Error(`no callable at ${path}`);
  return node as TCallable;
}

/** What a subscription is called with in the walk (an empty input would only test validation). */
const SUBSCRIPTION_INPUT: Record<string, unknown> = {
  "live.events": { channels: ["asset", "bmc:some-asset", "burnin"] },
};

/**
 * The tRPC error code of a call, or "OK". A subscription is opened for real:
 * "OK" means its first message arrived; then it is closed.
 */
async function outcome(caller: unknown, path: string, type = "query"): Promise<string> {
  try {
    const res = await callAt(caller, path)(type === "subscription" ? (SUBSCRIPTION_INPUT[path] ?? {}) : {});
    if (type === "subscription") {
      const it = (res as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const first = await Promise.race([it.next(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5000))]);
      await it.return?.();
      if (first === "timeout" || first.done) return `NO_MESSAGE`;
    }
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

const ALL = procedures();
const SIGNED_OUT = "signed out" as const;
type TWho = TRole | typeof SIGNED_OUT;
const WHO: TWho[] = [...ROLES, SIGNED_OUT];

/** Intent, pinned: if one of these changes, it should be on purpose. */
const PINNED: { path: string; allowed: readonly TRole[] | "public" }[] = [
  { path: "auth.login", allowed: "public" },
  { path: "auth.me", allowed: ROLES },
  { path: "auth.logout", allowed: ROLES },
  { path: "assets.list", allowed: ROLES },
  { path: "assets.get", allowed: ROLES },
  { path: "assets.create", allowed: ["admin", "procurement", "warehouse"] },
  { path: "assets.checkSerial", allowed: ["admin", "procurement", "warehouse"] },
  { path: "assets.update", allowed: ["admin", "warehouse", "technician"] },
  { path: "assets.transition", allowed: ["admin", "procurement", "warehouse", "technician", "firmware"] },
  { path: "catalog.createModel", allowed: ["admin", "procurement", "warehouse"] },
  { path: "catalog.createVendor", allowed: ["admin", "procurement"] },
  { path: "locations.create", allowed: ["admin", "procurement", "warehouse"] },
  { path: "users.unlock", allowed: ["admin"] },
  { path: "audit.list", allowed: ["admin", "viewer"] },
  { path: "audit.verify", allowed: ["admin", "viewer"] },
  { path: "bmc.power", allowed: ["admin", "technician"] },
  { path: "bmc.queueCommand", allowed: ["admin", "technician"] },
  { path: "bmc.commands", allowed: ROLES },
  { path: "bmc.cancelCommand", allowed: ["admin", "technician"] },
  { path: "bmc.decideFindings", allowed: ["admin", "technician"] },
  { path: "bmc.reopenFindings", allowed: ["admin", "technician"] },
  // the technician at the server registers the parts its BMC reports (not other new assets: assets.create)
  { path: "bmc.addUnknownParts", allowed: ["admin", "technician"] },
  { path: "firmware.baselines", allowed: ROLES },
  { path: "firmware.saveBaseline", allowed: ["admin", "firmware"] },
  { path: "firmware.importBaselines", allowed: ["admin", "firmware"] },
  { path: "firmware.drift", allowed: ROLES },
  { path: "firmware.lag", allowed: ROLES },
  { path: "firmware.posturePolicies", allowed: ROLES },
  { path: "firmware.posturePolicyRevisions", allowed: ROLES },
  { path: "firmware.savePosturePolicy", allowed: ["admin", "firmware"] },
  { path: "firmware.posture", allowed: ROLES },
  { path: "firmware.assetPosture", allowed: ROLES },
  { path: "firmware.waivePosture", allowed: ["admin"] },
  { path: "firmware.revokePostureWaiver", allowed: ["admin"] },
  { path: "firmware.findings", allowed: ROLES },
  { path: "firmware.decideFinding", allowed: ["admin", "firmware"] },
  { path: "firmware.assetHbom", allowed: ROLES },
  { path: "firmware.campaigns", allowed: ROLES },
  { path: "firmware.campaign", allowed: ROLES },
  { path: "firmware.createCampaign", allowed: ["admin", "firmware"] },
  { path: "firmware.startCampaign", allowed: ["admin", "firmware"] },
  { path: "firmware.pauseCampaign", allowed: ["admin", "firmware"] },
  { path: "jobs.list", allowed: ["admin"] },
  { path: "jobs.get", allowed: ["admin"] },
  { path: "jobs.retry", allowed: ["admin"] },
  { path: "jobs.runNow", allowed: ["admin"] },
  { path: "jobs.cancel", allowed: ["admin"] },
  { path: "live.events", allowed: ROLES },
  { path: "procurement.vendors", allowed: ROLES },
  { path: "procurement.createVendor", allowed: ["admin", "procurement"] },
  { path: "procurement.updateVendor", allowed: ["admin", "procurement"] },
  { path: "procurement.addContact", allowed: ["admin", "procurement"] },
  { path: "procurement.removeContact", allowed: ["admin", "procurement"] },
  { path: "procurement.setListPrice", allowed: ["admin", "procurement"] },
  { path: "procurement.updateRfqParams", allowed: ["admin", "procurement"] },
  { path: "procurement.invite", allowed: ["admin", "procurement"] },
  { path: "procurement.createRfq", allowed: ["admin", "procurement"] },
  { path: "procurement.rfq", allowed: ["admin", "procurement", "viewer"] },
  { path: "procurement.submitQuote", allowed: ["admin", "procurement"] },
  { path: "procurement.importQuoteCsv", allowed: ["admin", "procurement"] },
  { path: "procurement.tco", allowed: ["admin", "procurement", "viewer"] },
  { path: "procurement.award", allowed: ["admin", "procurement"] },
  { path: "procurement.purchaseOrders", allowed: ["admin", "procurement", "viewer", "warehouse"] },
  { path: "procurement.issue", allowed: ["admin", "procurement"] },
  { path: "procurement.cancel", allowed: ["admin", "procurement"] },
  { path: "procurement.syncReceipts", allowed: ["admin", "procurement", "warehouse"] },
  { path: "procurement.updateSettings", allowed: ["admin", "procurement"] },
  { path: "procurement.setBudget", allowed: ["admin", "procurement"] },
  { path: "procurement.savings", allowed: ["admin", "procurement", "viewer"] },
  { path: "procurement.leadTime", allowed: ["admin", "procurement", "viewer"] },
  { path: "receiving.receivablePos", allowed: ["admin", "warehouse"] },
  { path: "receiving.receipts", allowed: ["admin", "warehouse", "procurement", "viewer"] },
  { path: "receiving.receipt", allowed: ["admin", "warehouse", "procurement", "viewer"] },
  { path: "receiving.start", allowed: ["admin", "warehouse"] },
  { path: "receiving.scan", allowed: ["admin", "warehouse"] },
  { path: "receiving.flagDamaged", allowed: ["admin", "warehouse"] },
  { path: "receiving.close", allowed: ["admin", "warehouse"] },
  { path: "receiving.importAsn", allowed: ["admin", "warehouse"] },
  { path: "receiving.settings", allowed: ["admin", "warehouse"] },
  { path: "receiving.updateSettings", allowed: ["admin"] },
  { path: "warehouse.labelBatch", allowed: ROLES },
  { path: "warehouse.savePrinter", allowed: ["admin"] },
  { path: "warehouse.print", allowed: ["admin", "warehouse"] },
  { path: "warehouse.move", allowed: ["admin", "warehouse"] },
  { path: "warehouse.binContents", allowed: ROLES },
  { path: "warehouse.shipTransfer", allowed: ["admin", "warehouse"] },
  { path: "warehouse.receiveTransfer", allowed: ["admin", "warehouse"] },
  { path: "warehouse.registerReader", allowed: ["admin"] },
  { path: "warehouse.rfidReads", allowed: ["admin", "warehouse"] },
  { path: "warehouse.bindTag", allowed: ["admin", "warehouse"] },
  { path: "warehouse.openCount", allowed: ["admin", "warehouse"] },
  { path: "warehouse.scanCount", allowed: ["admin", "warehouse"] },
  { path: "warehouse.approveCount", allowed: ["admin", "warehouse"] },
  { path: "warehouse.accuracy", allowed: ROLES },
  { path: "warehouse.setLead", allowed: ["admin"] },
  // SAT: technicians fill and sign (the lifecycle lets them move SAT → IN_SERVICE); everyone reads runs and the KPIs
  { path: "acceptance.saveTemplate", allowed: ["admin", "technician"] },
  { path: "acceptance.start", allowed: ["admin", "technician"] },
  { path: "acceptance.record", allowed: ["admin", "technician"] },
  { path: "acceptance.signOff", allowed: ["admin", "technician"] },
  { path: "acceptance.fail", allowed: ["admin", "technician"] },
  { path: "acceptance.rerun", allowed: ["admin", "technician"] },
  { path: "acceptance.run", allowed: ROLES },
  { path: "acceptance.doa", allowed: ROLES },
  { path: "acceptance.doaEvidence", allowed: ROLES },
  { path: "acceptance.installTime", allowed: ROLES },
  { path: "burnin.board", allowed: ROLES },
  { path: "burnin.profiles", allowed: ROLES },
  { path: "burnin.run", allowed: ROLES },
  { path: "burnin.charts", allowed: ROLES },
  { path: "burnin.evidencePdf", allowed: ROLES },
  { path: "burnin.createProfile", allowed: ["admin", "technician"] },
  { path: "burnin.receipts", allowed: ["admin", "technician"] },
  { path: "burnin.start", allowed: ["admin", "technician"] },
  { path: "burnin.abort", allowed: ["admin", "technician"] },
  { path: "burnin.decide", allowed: ["admin", "technician"] },
  { path: "burnin.extend", allowed: ["admin", "technician"] },
  { path: "burnin.rerun", allowed: ["admin", "technician"] },
  { path: "cabling.rooms", allowed: ROLES },
  { path: "cabling.elevation", allowed: ROLES },
  { path: "cabling.setRackLimits", allowed: ["admin", "technician"] },
  { path: "cabling.placements", allowed: ROLES },
  { path: "cabling.plan", allowed: ["admin", "technician"] },
  { path: "cabling.importPlan", allowed: ["admin", "technician"] },
  { path: "cabling.confirm", allowed: ["admin", "technician"] },
  { path: "cabling.rackNow", allowed: ["admin", "technician"] },
  { path: "cabling.interfaces", allowed: ROLES },
  { path: "cabling.syncInterfaces", allowed: ["admin", "technician"] },
  { path: "cabling.cables", allowed: ROLES },
  { path: "cabling.createCable", allowed: ["admin", "technician"] },
  { path: "cabling.updateCable", allowed: ["admin", "technician"] },
  { path: "cabling.deleteCable", allowed: ["admin", "technician"] },
  { path: "cabling.cableLabels", allowed: ROLES },
  { path: "cabling.board", allowed: ROLES },
  { path: "cabling.waive", allowed: ["admin"] },
  { path: "lldp.switches", allowed: ["admin", "technician"] },
  { path: "lldp.switch", allowed: ["admin", "technician"] },
  { path: "lldp.createSwitch", allowed: ["admin", "technician"] },
  { path: "lldp.updateSwitch", allowed: ["admin", "technician"] },
  { path: "lldp.deleteSwitch", allowed: ["admin", "technician"] },
  { path: "lldp.latest", allowed: ROLES },
  { path: "lldp.history", allowed: ROLES },
  { path: "burnin.rerun", allowed: ["admin", "technician"] },  { path: "rma.list", allowed: ROLES },
  { path: "rma.get", allowed: ROLES },
  { path: "rma.open", allowed: ["admin", "warehouse", "technician"] },
  { path: "rma.update", allowed: ["admin", "warehouse", "technician"] },
  { path: "rma.transition", allowed: ["admin", "warehouse", "technician"] },
  { path: "rma.receive", allowed: ["admin", "warehouse", "technician"] },
  { path: "rma.board", allowed: ROLES },
  { path: "rma.kpi", allowed: ROLES },
  { path: "rma.export", allowed: ROLES },
  { path: "rma.sanitisation", allowed: ROLES },
  { path: "rma.recordEvidence", allowed: ["admin", "technician"] },
  { path: "rma.importEvidence", allowed: ["admin", "technician"] },
  { path: "rma.sanitise", allowed: ["admin", "technician"] },
  { path: "rma.batches", allowed: ROLES },
  { path: "rma.batch", allowed: ROLES },
  { path: "rma.createBatch", allowed: ["admin", "warehouse"] },
  { path: "rma.addAssets", allowed: ["admin", "warehouse"] },
  { path: "rma.handoff", allowed: ["admin", "warehouse"] },
  { path: "rma.attachCertificate", allowed: ["admin", "warehouse"] },
  { path: "rma.certificate", allowed: ["admin", "warehouse", "technician"] },
  { path: "rma.closeBatch", allowed: ["admin", "warehouse"] },
  { path: "rma.sanitisationReport", allowed: ROLES },
];

describe("tRPC procedures all declare who may call them", () => {
  it("finds the procedures of every domain router", () => {
    const domains = new Set(ALL.map((p) => p.path.split(".")[0]));
    for (const d of ["auth", "assets", "catalog", "locations", "users", "audit", "procurement", "receiving", "warehouse"]) expect(domains).toContain(d);
    for (const d of ["auth", "assets", "catalog", "locations", "users", "audit", "procurement", "acceptance"]) expect(domains).toContain(d);
    expect(ALL.length).toBeGreaterThan(20);
    expect(ALL.filter((p) => p.type === "subscription").map((p) => p.path)).toContain("live.events");
    for (const p of ALL.filter((q) => q.type === "subscription")) expect(SUBSCRIPTION_INPUT[p.path], `${p.path}: add a sample input to SUBSCRIPTION_INPUT`).toBeDefined();
  });

  it.each(ALL.map((p) => [p.path, p] as const))("%s declares roles (a non-empty list of known roles, or public)", (_path, p) => {
    expect(p.roles, `${p.path} has no meta.roles: use procedure(ROLES) or publicProcedure`).toBeDefined();
    if (p.roles === "public") return;
    expect(Array.isArray(p.roles)).toBe(true);
    expect(p.roles!.length).toBeGreaterThan(0);
    for (const r of p.roles!) expect(ROLES).toContain(r);
  });

  it("only auth.login is public", () => {
    expect(ALL.filter((p) => p.roles === "public").map((p) => p.path)).toEqual(["auth.login"]);
  });

  it("users.* is admin only", () => {
    const users = ALL.filter((p) => p.path.startsWith("users."));
    expect(users.length).toBeGreaterThanOrEqual(5);
    for (const p of users) expect(p.roles, p.path).toEqual(["admin"]);
  });

  it.each(PINNED.map((x) => [x.path, x] as const))("%s allows exactly the intended roles", (_path, x) => {
    const p = ALL.find((q) => q.path === x.path);
    expect(p, `${x.path} is gone`).toBeDefined();
    if (x.allowed === "public") expect(p!.roles).toBe("public");
    else expect([...(p!.roles as readonly TRole[])].sort()).toEqual([...x.allowed].sort());
  });
});

describe.each(DATABASES)("tRPC role guard on %s", (provider) => {
  let t: TTestDb;
  let live: TLiveHub;
  const clock = new FakeClock();
  beforeAll(async () => {
    t = await freshDatabase(provider);
    live = createLiveHub({ db: t.db, provider: t.provider, url: t.url });
  });
  afterAll(async () => {
    await live.close();
    await t.close();
  });

  function callerFor(who: TWho) {
    const a: TActor | null = who === SIGNED_OUT ? null : actor(who);
    const ctx: TContext = { deps: { ...depsFor(t, clock), live }, actor: a, ip: "127.0.0.1", secureCookies: false, resHeaders: new Headers() };
    return createCallerFactory(appRouter)(ctx);
  }

  it("every procedure × every role answers as meta.roles says", async () => {
    const callers = new Map(WHO.map((w) => [w, callerFor(w)] as const));
    const wrong: string[] = [];
    let checked = 0;
    for (const p of ALL) {
      for (const who of WHO) {
        const got = await outcome(callers.get(who), p.path, p.type);
        checked++;
        if (p.roles === undefined) {
          wrong.push(`${p.path} as ${who}: procedure declares no roles (got ${got})`);
          continue;
        }
        const isPublic = p.roles === "public";
        const allowed = isPublic || (who !== SIGNED_OUT && (p.roles as readonly TRole[]).includes(who));
        if (!isPublic && who === SIGNED_OUT) {
          if (got !== "UNAUTHORIZED") wrong.push(`${p.path} signed out: want UNAUTHORIZED, got ${got}`);
        } else if (!allowed) {
          if (got !== "FORBIDDEN") wrong.push(`${p.path} as ${who}: want FORBIDDEN, got ${got}`);
        } else if (["UNAUTHORIZED", "FORBIDDEN", "INTERNAL_SERVER_ERROR"].includes(got)) {
          wrong.push(`${p.path} as ${who}: allowed, but got ${got}`);
        } else if (p.type === "subscription" && got !== "OK") {
          wrong.push(`${p.path} as ${who}: allowed, but the subscription gave ${got}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(ALL.length * WHO.length);
  });

  it("the pinned refusals hold through the caller", async () => {
    expect(await outcome(callerFor("viewer"), "assets.create")).toBe("FORBIDDEN");
    expect(await outcome(callerFor("viewer"), "assets.transition")).toBe("FORBIDDEN");
    expect(await outcome(callerFor("technician"), "assets.checkSerial")).toBe("FORBIDDEN");
    expect(await outcome(callerFor("warehouse"), "users.create")).toBe("FORBIDDEN");
    expect(await outcome(callerFor("technician"), "users.list")).toBe("FORBIDDEN");
    expect(await outcome(callerFor("procurement"), "audit.verify")).toBe("FORBIDDEN");
    expect(await outcome(callerFor(SIGNED_OUT), "assets.list")).toBe("UNAUTHORIZED");
    // allowed callers get past the guard: bad input is theirs to fix, not a refusal
    expect(await outcome(callerFor("warehouse"), "assets.create")).toBe("BAD_REQUEST");
    expect(await outcome(callerFor("admin"), "users.create")).toBe("BAD_REQUEST");
    expect(await outcome(callerFor("viewer"), "audit.verify")).toBe("OK");
    // subscriptions: the guard runs before the stream opens
    expect(await outcome(callerFor(SIGNED_OUT), "live.events", "subscription")).toBe("UNAUTHORIZED");
    expect(await outcome(callerFor("viewer"), "live.events", "subscription")).toBe("OK");
    expect(live.subscriberCount).toBe(0);
    // signed out reaches login's input validation
    expect(await outcome(callerFor(SIGNED_OUT), "auth.login")).toBe("BAD_REQUEST");
  });
});
