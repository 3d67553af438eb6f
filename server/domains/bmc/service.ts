/**
 * BMC domain services: site agents (tokens shown once, stored as sha256), BMC
 * endpoints per asset (passwords sealed with server/crypto/secrets.ts and
 * never returned), the asset page's BMC view, decisions on findings, and
 * power actions.
 *
 * Power actions: the server normally cannot reach a site's BMC network. So a
 * power action runs here only for an endpoint without an agent (the server
 * reaches the BMC directly, e.g. a lab), through the protocol clients passed
 * in its dependencies (TDeps.bmc, server/contracts/bmc.ts TBmcClients). With an
 * agent assigned, the action goes through the agent's command channel instead
 * (commands.ts queueCommand).
 */
import type { z } from "zod";
import { ZBmcProbeResult, type TBmcProbeResult, type TBmcTarget } from "../../contracts/bmc";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Db, Tx } from "../../db/client";
import { randomToken, sha256 } from "../../auth/password";
import { invalidateTokenCache } from "../../auth/token-cache";
import { openEndpointPassword, sealEndpointPassword } from "./credentials";
import { serverTarget, unreachable } from "./reach";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { assetIdentity, assetSite, registerParts } from "../assets/service";
import { getLocation } from "../locations/service";
import { AGENT_POLL_INTERVAL_SEC } from "./agent-service";
import {
  ZAddUnknownParts,
  ZAgentCreate,
  ZFindingsDecision,
  ZFindingsReopen,
  ZEndpointCreate,
  ZEndpointUpdate,
  ZFindingDecision,
  ZPowerInput,
  type ZAssetBmc,
  type ZEndpointPublic,
  addressProblem,
  type TAddUnknownParts,
  type TAgentCreate,
  type TFindingsDecision,
  type TFindingsReopen,
  type TAssetBmc,
  type TEndpointCreate,
  type TEndpointUpdate,
  type TFinding,
  type TFindingDecision,
  type TFindingKind,
  type TFindingStatus,
  type TPowerInput,
} from "./schema";

export const AGENT_TOKEN_PREFIX = "ila_";

// ------------------------------------------------------------------ agents

const agentSelect = { id: true, name: true, siteId: true, prefix: true, lastSeenAt: true, createdAt: true, revokedAt: true } as const;

export async function createAgent(deps: TDeps, actor: TActor, input: TAgentCreate) {
  const data = ZAgentCreate.parse(input);
  if (data.siteId) {
    const site = await getLocation(deps, data.siteId).catch(() => null);
    if (!site || site.kind !== "SITE") throw new AppError("BAD_REQUEST", "An agent belongs to a site; choose a site.", { fields: { siteId: ["Choose a site"] } });
  }
  const token = AGENT_TOKEN_PREFIX + randomToken();
  const now = deps.clock.now();
  const holder = await deps.db.agent.findUnique({ where: { name: data.name }, select: { id: true, name: true, revokedAt: true } });
  if (holder && !holder.revokedAt)
    throw new AppError("DUPLICATE", `There is already an agent called ${data.name}. Choose another name, or revoke that agent first to reuse its name.`, { fields: { name: ["Taken by a working agent"] } });
  try {
    return await deps.db.$transaction(async (tx) => {
      if (holder) {
        // a revoked agent gives its name up: it keeps its id and history under a name that says what happened
        const retired = revokedName(holder.name, holder.revokedAt!, holder.id);
        await tx.agent.update({ where: { id: holder.id }, data: { name: retired } });
        await appendAudit(tx, deps.provider, actor, now, { action: "rename", entity: "Agent", entityId: holder.id, before: { name: holder.name }, after: { name: retired, reason: "name reused by a new agent" } });
      }
      const row = await tx.agent.create({ data: { name: data.name, siteId: data.siteId ?? null, prefix: token.slice(0, 10), tokenHash: sha256(token), createdAt: now }, select: agentSelect });
      await appendAudit(tx, deps.provider, actor, now, { action: "create", entity: "Agent", entityId: row.id, after: row });
      return { ...row, token }; // shown once
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `There is already an agent called ${data.name}.`, { fields: { name: ["Taken"] } });
    throw e;
  }
}

/** The name a revoked agent keeps when a new agent takes its name: "fra1-oob (revoked 2026-12-01, abc123)". */
function revokedName(name: string, revokedAt: Date, id: string): string {
  return `${name} (revoked ${revokedAt.toISOString().slice(0, 10)}, ${id.slice(-6)})`;
}

export function listAgents(deps: TDeps) {
  return deps.db.agent.findMany({ orderBy: { name: "asc" }, select: { ...agentSelect, site: { select: { code: true, name: true } }, _count: { select: { endpoints: true } } } });
}

export async function revokeAgent(deps: TDeps, actor: TActor, id: string) {
  const a = await deps.db.agent.findUnique({ where: { id }, select: agentSelect });
  if (!a) throw new AppError("NOT_FOUND", `No agent with id ${id}.`);
  if (a.revokedAt) return a;
  const revoked = await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const row = await tx.agent.update({ where: { id }, data: { revokedAt: now }, select: agentSelect });
    await appendAudit(tx, deps.provider, actor, now, { action: "revoke", entity: "Agent", entityId: id, before: a, after: row });
    return row;
  });
  invalidateTokenCache(deps.db); // after commit: the agent's next request reads the revocation (server/auth/token-cache.ts)
  return revoked;
}

// ------------------------------------------------------------------ endpoints

/** Everything but the password. */
const endpointSelect = {
  id: true,
  assetId: true,
  agentId: true,
  agent: { select: { name: true } },
  protocol: true,
  address: true,
  username: true,
  intervalSec: true,
  allowCipherZero: true,
  tlsFingerprint: true,
  lastSeenAt: true,
  lastPower: true,
  lastStatus: true,
  lastError: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** What the service hands the procedure; its output schema narrows the stored text (protocol) and drops anything else. */
type TEndpointOut = z.input<typeof ZEndpointPublic>;
type TEndpointRow = Omit<TEndpointOut, "agentName" | "hasPassword"> & { agent: { name: string } | null };
function toPublic(r: TEndpointRow): TEndpointOut {
  const { agent, ...rest } = r;
  return { ...rest, agentName: agent?.name ?? null, hasPassword: true };
}

/** The agent must exist, be live, and work in the site where the asset stands (it reaches only that site's BMC network). */
async function checkAgent(deps: TDeps, agentId: string | null | undefined, assetId: string) {
  if (!agentId) return;
  const a = await deps.db.agent.findUnique({ where: { id: agentId }, select: { name: true, siteId: true, revokedAt: true, site: { select: { name: true } } } });
  if (!a) throw new AppError("BAD_REQUEST", "That agent does not exist.", { fields: { agentId: ["Unknown agent"] } });
  if (a.revokedAt) throw new AppError("BAD_REQUEST", "That agent's token was revoked; choose another agent.", { fields: { agentId: ["Revoked agent"] } });
  if (!a.siteId) return;
  const site = await assetSite(deps, assetId);
  if (site && site.id !== a.siteId)
    throw new AppError("BAD_REQUEST", `The agent ${a.name} works in ${a.site?.name ?? "another site"}, but this asset stands in ${site.name}; choose an agent of ${site.name}.`, {
      fields: { agentId: [`Not an agent of ${site.name}`] },
    });
}

export async function createEndpoint(deps: TDeps, actor: TActor, input: TEndpointCreate): Promise<TEndpointOut> {
  const data = ZEndpointCreate.parse(input);
  await assetIdentity(deps.db, data.assetId).catch(() => {
    throw new AppError("BAD_REQUEST", "That asset does not exist.", { fields: { assetId: ["Unknown asset"] } });
  });
  await checkAgent(deps, data.agentId, data.assetId);
  const now = deps.clock.now();
  try {
    return await deps.db.$transaction(async (tx) => {
      const { password, ...plain } = data;
      const created = await tx.bmcEndpoint.create({ data: { ...plain, agentId: data.agentId ?? null, passwordEnc: "", createdAt: now, updatedAt: now }, select: { id: true } });
      // sealed for this endpoint's id, which exists only now
      const row = await tx.bmcEndpoint.update({ where: { id: created.id }, data: { passwordEnc: sealEndpointPassword(created.id, password) }, select: endpointSelect });
      const pub = toPublic(row);
      await appendAudit(tx, deps.provider, actor, now, { action: "create", entity: "BmcEndpoint", entityId: row.id, after: { ...plain, id: row.id } });
      await publishEvent(tx, deps.provider, now, { scope: "bmc", key: row.assetId, data: { kind: "bmc.endpoint", endpointId: row.id } });
      return pub;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", "This asset already has a BMC endpoint; edit that one.", { fields: { assetId: ["Already has a BMC"] } });
    throw e;
  }
}

export async function updateEndpoint(deps: TDeps, actor: TActor, input: TEndpointUpdate): Promise<TEndpointOut> {
  const { id, data } = ZEndpointUpdate.parse(input);
  const before = await deps.db.bmcEndpoint.findUnique({ where: { id }, select: endpointSelect });
  if (!before) throw new AppError("NOT_FOUND", `No BMC endpoint with id ${id}.`);
  const { password, resetTlsPin, keepCredentials, ...plain } = data;
  const protocol = plain.protocol ?? (before.protocol as "ipmi" | "redfish");
  if (plain.address !== undefined || plain.protocol !== undefined) {
    const problem = addressProblem(protocol, plain.address ?? before.address);
    if (problem) throw new AppError("BAD_REQUEST", problem, { fields: { address: [problem] } });
  }
  if (plain.agentId !== undefined) await checkAgent(deps, plain.agentId, before.assetId);
  // the stored password goes only where it went before, unless someone who knows it (or an admin) says otherwise
  const redirected = [
    plain.protocol !== undefined && plain.protocol !== before.protocol && "protocol",
    plain.address !== undefined && plain.address !== before.address && "address",
    plain.agentId !== undefined && (plain.agentId ?? null) !== before.agentId && "agent",
    resetTlsPin && "TLS pin",
  ].filter((x): x is string => Boolean(x));
  if (redirected.length > 0 && !password) {
    if (!keepCredentials)
      throw new AppError("BAD_REQUEST", `Changing the ${redirected.join(", ")} sends the stored BMC password somewhere new: enter the BMC password again (or ask an administrator to approve keeping it).`, {
        fields: { password: ["Enter the BMC password again"] },
      });
    if (actor.role !== "admin") throw new AppError("FORBIDDEN", "Only an administrator may approve sending the stored BMC password to a new place; enter the BMC password instead.");
  }
  const keptBy = redirected.length > 0 && !password ? actor.id : undefined;
  if (plain.protocol === "redfish") plain.allowCipherZero = false;
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const row = await tx.bmcEndpoint.update({
      where: { id },
      data: { ...plain, ...(password ? { passwordEnc: sealEndpointPassword(id, password) } : {}), ...(resetTlsPin ? { tlsFingerprint: null } : {}), updatedAt: now },
      select: endpointSelect,
    });
    const { agent: _a, ...b } = before;
    await appendAudit(tx, deps.provider, actor, now, {
      action: "update",
      entity: "BmcEndpoint",
      entityId: id,
      before: b,
      after: { ...plain, passwordChanged: Boolean(password), tlsPinReset: Boolean(resetTlsPin), ...(keptBy ? { reapprovedBy: keptBy } : {}) },
    });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: row.assetId, data: { kind: "bmc.endpoint", endpointId: id } });
    return toPublic(row);
  });
}

export async function listEndpoints(deps: TDeps, opts: { agentId?: string } = {}): Promise<TEndpointOut[]> {
  const rows = await deps.db.bmcEndpoint.findMany({ where: { agentId: opts.agentId }, orderBy: { createdAt: "asc" }, select: endpointSelect, take: 5000 });
  return rows.map(toPublic);
}

export async function getEndpoint(deps: TDeps, id: string): Promise<TEndpointOut> {
  const row = await deps.db.bmcEndpoint.findUnique({ where: { id }, select: endpointSelect });
  if (!row) throw new AppError("NOT_FOUND", `No BMC endpoint with id ${id}.`);
  return toPublic(row);
}

// ------------------------------------------------------------------ the asset's BMC view

interface TFindingRow {
  id: string;
  endpointId: string;
  assetId: string;
  kind: string;
  key: string;
  detail: string;
  status: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}
function toFinding(r: TFindingRow): TFinding {
  return { ...r, kind: r.kind as TFindingKind, status: r.status as TFindingStatus, detail: JSON.parse(r.detail) as Record<string, unknown> };
}

export async function listFindings(deps: TDeps, opts: { assetId?: string; status?: TFindingStatus[]; take?: number }): Promise<TFinding[]> {
  const rows = await deps.db.bmcFinding.findMany({
    where: { assetId: opts.assetId, status: opts.status ? { in: opts.status } : undefined },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    take: opts.take ?? 200,
  });
  return rows.map(toFinding);
}

/**
 * An agent counts as offline when it has not called in for this long. It calls at least every
 * AGENT_POLL_INTERVAL_SEC (work) and every 25 s (the command long poll), and its last-seen time is
 * written at most once a minute: so two work intervals and a half.
 */
export const agentOfflineAfterSec = () => Math.round(AGENT_POLL_INTERVAL_SEC * 2.5); // read at call time: agent-service imports this module too

async function panelAgent(deps: TDeps, agentId: string | null): Promise<z.input<typeof ZAssetBmc>["agent"]> {
  if (!agentId) return null;
  const a = await deps.db.agent.findUnique({ where: { id: agentId }, select: { id: true, name: true, siteId: true, lastSeenAt: true, revokedAt: true } });
  if (!a) return null;
  const online = !a.revokedAt && a.lastSeenAt !== null && deps.clock.now().getTime() - a.lastSeenAt.getTime() <= agentOfflineAfterSec() * 1000;
  return { ...a, online, pollIntervalSec: AGENT_POLL_INTERVAL_SEC };
}

/** What the asset page shows: the endpoint (no password), the latest probe, open findings, the asset's site and the endpoint's agent. */
export async function assetBmc(deps: TDeps, assetId: string): Promise<z.input<typeof ZAssetBmc>> {
  const row = await deps.db.bmcEndpoint.findUnique({ where: { assetId }, select: { ...endpointSelect, lastProbeId: true } });
  const site = await assetSite(deps, assetId);
  if (!row) return { site, agent: null, endpoint: null, probe: null, findings: [] as TFinding[] };
  const { lastProbeId, ...rest } = row;
  let probe: (TBmcProbeResult & { observedAt: Date }) | null = null;
  if (lastProbeId) {
    const obs = await deps.db.bmcObservation.findUnique({ where: { id: lastProbeId }, select: { observedAt: true, payload: true } });
    const parsed = obs ? ZBmcProbeResult.safeParse((JSON.parse(obs.payload) as { result?: unknown }).result) : null;
    if (obs && parsed?.success) {
      const sel = [...parsed.data.sel].sort((a, b) => b.id - a.id).slice(0, 20);
      probe = { ...parsed.data, sel, observedAt: obs.observedAt };
    }
  }
  return { site, agent: await panelAgent(deps, row.agentId), endpoint: toPublic(rest), probe, findings: await listFindings(deps, { assetId, status: ["OPEN"] }) };
}

export async function decideFinding(deps: TDeps, actor: TActor, input: TFindingDecision): Promise<TFinding> {
  const { id, decision, note } = ZFindingDecision.parse(input);
  const f = await deps.db.bmcFinding.findUnique({ where: { id } });
  if (!f) throw new AppError("NOT_FOUND", `No finding with id ${id}.`);
  if (f.status !== "OPEN") throw new AppError("CONFLICT", `This finding is already ${f.status.toLowerCase()}; reload the page.`);
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const res = await tx.bmcFinding.updateMany({ where: { id, status: "OPEN" }, data: { status: decision, resolvedBy: actor.id, resolvedAt: now } });
    if (res.count !== 1) throw new AppError("CONFLICT", "Someone decided on this finding at the same moment; reload the page.");
    await appendAudit(tx, deps.provider, actor, now, { action: decision === "ACCEPTED" ? "accept" : "dismiss", entity: "BmcFinding", entityId: id, before: { status: f.status }, after: { status: decision, kind: f.kind, key: f.key, assetId: f.assetId, note: note ?? null } });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: f.assetId, data: { kind: "bmc.findings", opened: 0, resolved: 1 } });
    return toFinding(await tx.bmcFinding.findUniqueOrThrow({ where: { id } }));
  });
}

/** Findings of `assetId` by id; every id must be one of the asset's, else nothing happens. */
async function findingsOf(deps: TDeps, assetId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await deps.db.bmcFinding.findMany({ where: { id: { in: unique }, assetId } });
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new AppError("NOT_FOUND", `${unique.length - rows.length} of these findings do not exist or belong to another asset (${unique.filter((i) => !found.has(i)).slice(0, 3).join(", ")}); reload the page.`);
  }
  return rows;
}

/** Accepts or dismisses several open findings of one asset in one transaction (all or none). */
export async function decideFindings(deps: TDeps, actor: TActor, input: TFindingsDecision): Promise<{ count: number; findings: TFinding[] }> {
  const { assetId, ids, decision, note } = ZFindingsDecision.parse(input);
  const rows = await findingsOf(deps, assetId, ids);
  const closed = rows.filter((r) => r.status !== "OPEN");
  if (closed.length > 0) throw new AppError("CONFLICT", `${closed.length} of these findings were already decided or resolved meanwhile; reload the page. Nothing was changed.`);
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const res = await tx.bmcFinding.updateMany({ where: { id: { in: rows.map((r) => r.id) }, status: "OPEN" }, data: { status: decision, resolvedBy: actor.id, resolvedAt: now } });
    if (res.count !== rows.length) throw new AppError("CONFLICT", "Someone decided on some of these findings at the same moment; reload the page. Nothing was changed.");
    await appendAudit(tx, deps.provider, actor, now, {
      action: decision === "ACCEPTED" ? "accept" : "dismiss",
      entity: "BmcFinding",
      entityId: rows[0]!.id,
      before: { status: "OPEN" },
      after: { status: decision, assetId, findings: rows.map((r) => ({ id: r.id, kind: r.kind, key: r.key })), note: note ?? null },
    });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: assetId, data: { kind: "bmc.findings", opened: 0, resolved: rows.length } });
    const after = await tx.bmcFinding.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: "asc" } });
    return { count: rows.length, findings: after.map(toFinding) };
  });
}

/** How long a person may take back their own decision ("undo" on the asset page). */
export const FINDING_UNDO_WINDOW_MS = 60 * 60_000;

/** Undo: findings this person accepted or dismissed within FINDING_UNDO_WINDOW_MS go back to OPEN (all or none). */
export async function reopenFindings(deps: TDeps, actor: TActor, input: TFindingsReopen): Promise<{ count: number; findings: TFinding[] }> {
  const { assetId, ids } = ZFindingsReopen.parse(input);
  const rows = await findingsOf(deps, assetId, ids);
  const now = deps.clock.now();
  for (const r of rows) {
    if (r.status !== "ACCEPTED" && r.status !== "DISMISSED") throw new AppError("CONFLICT", `A finding is ${r.status.toLowerCase()}, not accepted or dismissed; there is nothing to undo. Nothing was changed.`);
    if (r.resolvedBy !== actor.id) throw new AppError("FORBIDDEN", "Only the person who decided on a finding can undo it; nothing was changed.");
    if (!r.resolvedAt || now.getTime() - r.resolvedAt.getTime() > FINDING_UNDO_WINDOW_MS)
      throw new AppError("CONFLICT", `A decision can be undone for ${FINDING_UNDO_WINDOW_MS / 60_000} minutes; this one is older. Nothing was changed.`);
  }
  return deps.db.$transaction(async (tx) => {
    for (const r of rows) {
      const res = await tx.bmcFinding.updateMany({ where: { id: r.id, status: r.status }, data: { status: "OPEN", resolvedBy: null, resolvedAt: null } });
      if (res.count !== 1) throw new AppError("CONFLICT", "A finding changed at the same moment; reload the page. Nothing was changed.");
    }
    await appendAudit(tx, deps.provider, actor, now, {
      action: "reopen",
      entity: "BmcFinding",
      entityId: rows[0]!.id,
      before: { findings: rows.map((r) => ({ id: r.id, status: r.status })) },
      after: { status: "OPEN", assetId },
    });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: assetId, data: { kind: "bmc.findings", opened: rows.length, resolved: 0 } });
    const after = await tx.bmcFinding.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: "asc" } });
    return { count: rows.length, findings: after.map(toFinding) };
  });
}

/**
 * "Add all unknown parts as parts": registers the parts behind open COMPONENT_UNEXPECTED findings
 * as parts of the asset (assets service) and accepts those findings, in one transaction.
 */
export async function addUnknownParts(deps: TDeps, actor: TActor, input: TAddUnknownParts): Promise<{ created: { id: string; serial: string; kind: string; modelName: string }[]; accepted: number }> {
  const { assetId, ids, models } = ZAddUnknownParts.parse(input);
  const rows = await findingsOf(deps, assetId, ids);
  const wrong = rows.filter((r) => r.kind !== "COMPONENT_UNEXPECTED");
  if (wrong.length > 0) throw new AppError("BAD_REQUEST", "Only “unknown part” findings can be added as parts; leave the others out.", { fields: { ids: ["Not an unknown part"] } });
  const closed = rows.filter((r) => r.status !== "OPEN");
  if (closed.length > 0) throw new AppError("CONFLICT", `${closed.length} of these findings were already decided or resolved meanwhile; reload the page. Nothing was registered.`);
  const parts = rows.map((r) => {
    const d = JSON.parse(r.detail) as { serial?: unknown; kind?: unknown };
    const kind = typeof d.kind === "string" ? d.kind : "OTHER";
    const modelId = models[kind];
    if (!modelId) throw new AppError("BAD_REQUEST", `Choose the catalog model for the ${kind} parts.`, { fields: { [`models.${kind}`]: ["Choose a model"] } });
    return { serial: typeof d.serial === "string" ? d.serial : r.key, modelId };
  });
  const created = await registerParts(deps, actor, { parentId: assetId, parts, reason: "reported by the BMC" }, async (tx) => {
    const now = deps.clock.now();
    const res = await tx.bmcFinding.updateMany({ where: { id: { in: rows.map((r) => r.id) }, status: "OPEN" }, data: { status: "ACCEPTED", resolvedBy: actor.id, resolvedAt: now } });
    if (res.count !== rows.length) throw new AppError("CONFLICT", "Someone decided on some of these findings at the same moment; reload the page. Nothing was registered.");
    await appendAudit(tx, deps.provider, actor, now, {
      action: "accept",
      entity: "BmcFinding",
      entityId: rows[0]!.id,
      before: { status: "OPEN" },
      after: { status: "ACCEPTED", assetId, addedAsParts: rows.map((r) => ({ id: r.id, key: r.key })) },
    });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: assetId, data: { kind: "bmc.findings", opened: 0, resolved: rows.length } });
  });
  return { created, accepted: rows.length };
}

// ------------------------------------------------------------------ power

export async function powerAction(deps: TDeps, actor: TActor, input: TPowerInput): Promise<{ power: "on" | "off" }> {
  const { assetId, action } = ZPowerInput.parse(input);
  const ep = await deps.db.bmcEndpoint.findUnique({ where: { assetId }, select: { id: true, agentId: true, protocol: true, address: true, username: true, passwordEnc: true, allowCipherZero: true, tlsFingerprint: true, lastPower: true, agent: { select: { name: true } } } });
  if (!ep) throw new AppError("NOT_FOUND", "This asset has no BMC endpoint; add one first.");
  const clients = deps.bmc;
  if (ep.agentId) {
    throw new AppError(
      "BAD_REQUEST",
      `This BMC is on a site network that only the agent ${ep.agent?.name ?? ep.agentId} reaches. Queue the power action for the agent instead (the asset page does this), or run it on the agent host: npx ironledger bmc power ${action} --${ep.protocol} ${ep.address} --user ${ep.username} --password-env BMC_PASSWORD`,
    );
  }
  if (!clients) throw new AppError("UNAVAILABLE", "This IronLedger process has no BMC protocol clients; power actions run in the web app.");
  // only to networks an administrator allowed (IRONLEDGER_BMC_NETWORKS), before anything is sent
  const target = await serverTarget(ep.protocol, ep.address);
  // the attempt is on record before the BMC is touched
  await deps.db.$transaction((tx) => appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "power", entity: "BmcEndpoint", entityId: ep.id, before: { power: ep.lastPower }, after: { assetId, requested: action } }));
  let power: "on" | "off";
  try {
    const password = await openEndpointPassword(deps.db, ep);
    const bmcTarget: TBmcTarget =
      target.protocol === "redfish"
        ? { protocol: "redfish", url: target.url, username: ep.username, password, pinnedFingerprint: ep.tlsFingerprint, timeoutMs: 10_000 }
        : { protocol: "ipmi", host: target.host, port: target.port, username: ep.username, password, allowCipherZero: ep.allowCipherZero, privilege: "operator" };
    ({ power } = await clients.power(bmcTarget, action));
  } catch (e) {
    // the cause (refused, timed out, not a BMC, wrong password) stays in the server log: told to a person, it would map the network
    const reason = (e as { code?: unknown }).code;
    console.error(`BMC power ${action} on endpoint ${ep.id} failed: ${typeof reason === "string" ? reason : "error"}: ${e instanceof Error ? e.message : String(e)}`);
    await deps.db.$transaction((tx) => appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "power.failed", entity: "BmcEndpoint", entityId: ep.id, after: { assetId, requested: action } }));
    throw unreachable(action);
  }
  await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    await tx.bmcEndpoint.update({ where: { id: ep.id }, data: { lastPower: power, updatedAt: now } });
    await appendAudit(tx, deps.provider, actor, now, { action: "power.done", entity: "BmcEndpoint", entityId: ep.id, before: { power: ep.lastPower }, after: { assetId, requested: action, power } });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: assetId, data: { kind: "bmc.power", power } });
  });
  return { power };
}

export type { TAssetBmc };

/** One bmc.probe observation's firmware list, for the firmware inventory (server/domains/firmware). */
export interface TObservedFirmware {
  observationId: string;
  chainSeq: number;
  assetId: string;
  observedAt: Date;
  firmware: TBmcProbeResult["firmware"];
  /** SecureBoot / TPM as the probe saw them; undefined when the probe did not report them (IPMI, older agents) */
  security?: TBmcProbeResult["security"];
  bios?: TBmcProbeResult["bios"];
}

/**
 * The firmware the probes after `afterSeq` (the observation chain's order) reported, with the asset each
 * BMC belongs to; `lastSeq` is how far this read got (unreachable observations are read past, not returned).
 */
export async function probeFirmwareAfter(deps: TDeps, afterSeq: number, take: number): Promise<{ lastSeq: number; items: TObservedFirmware[] }> {
  const rows = await deps.db.bmcObservation.findMany({ where: { chainSeq: { gt: afterSeq } }, orderBy: { chainSeq: "asc" }, take, select: { id: true, endpointId: true, kind: true, observedAt: true, payload: true, chainSeq: true } });
  if (!rows.length) return { lastSeq: afterSeq, items: [] };
  const endpoints = await deps.db.bmcEndpoint.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.endpointId))] } }, select: { id: true, assetId: true } });
  const assetOf = new Map(endpoints.map((e) => [e.id, e.assetId]));
  const items: TObservedFirmware[] = [];
  for (const r of rows) {
    const assetId = assetOf.get(r.endpointId);
    if (r.kind !== "bmc.probe" || !assetId) continue;
    const result = (JSON.parse(r.payload) as { result?: { firmware?: unknown; security?: unknown; bios?: unknown } }).result;
    const parsed = ZBmcProbeResult.shape.firmware.safeParse(result?.firmware);
    const security = ZBmcProbeResult.shape.security.safeParse(result?.security);
    const bios = ZBmcProbeResult.shape.bios.safeParse(result?.bios);
    if (parsed.success) items.push({ observationId: r.id, chainSeq: r.chainSeq!, assetId, observedAt: r.observedAt, firmware: parsed.data, security: security.success ? security.data : undefined, bios: bios.success ? bios.data : undefined });
  }
  return { lastSeq: rows[rows.length - 1]!.chainSeq!, items };
}
/** The BMC endpoint of each asset that has one (burn-in: which agent watches which asset). */
export async function endpointsOfAssets(db: Db | Tx, assetIds: string[]): Promise<Map<string, { id: string; agentId: string | null }>> {
  if (assetIds.length === 0) return new Map();
  const rows = await db.bmcEndpoint.findMany({ where: { assetId: { in: assetIds } }, select: { id: true, assetId: true, agentId: true } });
  return new Map(rows.map((r) => [r.assetId, { id: r.id, agentId: r.agentId }]));
}

/** The endpoints an agent polls (burn-in: the runs it watches). */
export async function endpointIdsOfAgent(db: Db | Tx, agentId: string): Promise<string[]> {
  return (await db.bmcEndpoint.findMany({ where: { agentId }, select: { id: true } })).map((r) => r.id);
}

export { queueCommand, listCommands, queueFirmwareUpdateInTx, wakeAgent, commandOutcome } from "./commands";

/** Each asset's latest bmc.probe (its endpoint's lastProbeId) with when it was seen; assets without one are left out. Reads in chunks. */
export async function latestProbes(db: Db | Tx, assetIds: string[]): Promise<Map<string, { observedAt: Date; result: TBmcProbeResult }>> {
  const out = new Map<string, { observedAt: Date; result: TBmcProbeResult }>();
  for (let i = 0; i < assetIds.length; i += 500) {
    const eps = await db.bmcEndpoint.findMany({ where: { assetId: { in: assetIds.slice(i, i + 500) }, lastProbeId: { not: null } }, select: { assetId: true, lastProbeId: true } });
    if (!eps.length) continue;
    const asset = new Map(eps.map((e) => [e.lastProbeId!, e.assetId]));
    const obs = await db.bmcObservation.findMany({ where: { id: { in: [...asset.keys()] } }, select: { id: true, observedAt: true, payload: true } });
    for (const o of obs) {
      const parsed = ZBmcProbeResult.safeParse((JSON.parse(o.payload) as { result?: unknown }).result);
      if (parsed.success) out.set(asset.get(o.id)!, { observedAt: o.observedAt, result: parsed.data });
    }
  }
  return out;
}
