/**
 * Observed LLDP: switches polled over SNMP by the site agents (NetSwitch: where and how to reach them,
 * with the community or the v3 keys sealed at rest) and the LLDP views they and the hosts report.
 *
 *   createSwitch / updateSwitch / deleteSwitch / listSwitches   admin and technician (secrets write-only)
 *   switchWork                      the switches of an agent's work, secrets opened for that agent only
 *   ingestLldpObservations          POST /api/agent/v1/lldp: one walk per observation, each key once
 *   recordHostView                  a host's `lldpcli -f json0 show neighbors` (REST, during burn-in)
 *   latestLldpViews                 the latest view per asset (the cable plan's reconciliation reads it)
 *
 * Every stored view is audited and published (live scope `cabling`) in its transaction; after the
 * commit the cable plan is told (reconcile.ts onLldpObserved). A bounded history is kept per asset.
 */
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { ZLldpObservationBatch, type TAgentSwitch, type TLldpObservation, type TObservationAck } from "../../contracts/agent";
import { ZLldpView, type TLldpView } from "../../contracts/lldp";
import { open, seal } from "../../crypto/secrets";
import { AppError, uniqueViolation } from "../../errors";
import { fieldErrors } from "../../http";
import { publishEvent } from "../../live/publish";
import { assetIdentity } from "../assets/service";
import { appendAudit } from "../audit/service";
import { listAgents } from "../bmc/service";
import { hostViewFromJson0 } from "./lldp-host";
import { ZSwitchCreate, ZSwitchUpdate, type TSwitch, type TSwitchCreate, type TSwitchUpdate } from "./lldp-schema";
import { onLldpObserved } from "./reconcile";

/** The latest LLDP view of an asset: a switch (walked over SNMP) or a host (its lldpcli output). */
export interface TLldpObserved {
  assetId: string;
  source: "snmp" | "host";
  observedAt: Date;
  view: TLldpView;
}

/** views kept per asset (the latest and some before it, for "what changed") */
export const LLDP_HISTORY = 20;

// ---------------------------------------------------------------- reading

function parseView(text: string): TLldpView {
  return ZLldpView.parse(JSON.parse(text));
}

/** The latest view of each asset that has one; `assetIds` narrows to those assets. */
export async function latestLldpViews(deps: TDeps, filter: { assetIds?: string[] } = {}): Promise<TLldpObserved[]> {
  if (filter.assetIds && filter.assetIds.length === 0) return [];
  const where = filter.assetIds ? { assetId: { in: [...new Set(filter.assetIds)] } } : {};
  const newest = await deps.db.lldpObservation.groupBy({ by: ["assetId"], where, _max: { observedAt: true } });
  if (newest.length === 0) return [];
  const rows = await deps.db.lldpObservation.findMany({
    where: { OR: newest.map((n) => ({ assetId: n.assetId, observedAt: n._max.observedAt! })) },
    orderBy: [{ assetId: "asc" }, { receivedAt: "desc" }],
    select: { assetId: true, source: true, observedAt: true, view: true },
  });
  const out = new Map<string, TLldpObserved>();
  for (const r of rows) if (!out.has(r.assetId)) out.set(r.assetId, { assetId: r.assetId, source: r.source as TLldpObserved["source"], observedAt: r.observedAt, view: parseView(r.view) });
  return [...out.values()];
}

/** An asset's views, newest first. */
export async function lldpHistory(deps: TDeps, input: { assetId: string; take?: number }): Promise<TLldpObserved[]> {
  const rows = await deps.db.lldpObservation.findMany({
    where: { assetId: input.assetId },
    orderBy: [{ observedAt: "desc" }, { receivedAt: "desc" }],
    take: input.take ?? 10,
    select: { assetId: true, source: true, observedAt: true, view: true },
  });
  return rows.map((r) => ({ assetId: r.assetId, source: r.source as TLldpObserved["source"], observedAt: r.observedAt, view: parseView(r.view) }));
}

// ---------------------------------------------------------------- storing views

interface TViewIn {
  assetId: string;
  source: "snmp" | "host";
  observedAt: Date;
  view: TLldpView;
  agentId?: string;
  idempotencyKey?: string;
}

/** Stores views in the caller's transaction (each idempotency key once), trims each asset's history, audits and publishes. */
async function storeViews(tx: Tx, deps: TDeps, actor: TActor, now: Date, items: TViewIn[]): Promise<TViewIn[]> {
  const stored: TViewIn[] = [];
  for (const it of items) {
    if (it.idempotencyKey && it.agentId) {
      const held = await tx.lldpObservation.findUnique({ where: { agentId_idempotencyKey: { agentId: it.agentId, idempotencyKey: it.idempotencyKey } }, select: { id: true } });
      if (held) continue;
    }
    await tx.lldpObservation.create({
      data: { assetId: it.assetId, source: it.source, agentId: it.agentId ?? null, idempotencyKey: it.idempotencyKey ?? null, observedAt: it.observedAt, receivedAt: now, view: JSON.stringify(it.view) },
    });
    stored.push(it);
  }
  for (const assetId of new Set(stored.map((s) => s.assetId))) {
    const old = await tx.lldpObservation.findMany({ where: { assetId }, orderBy: [{ observedAt: "desc" }, { receivedAt: "desc" }], skip: LLDP_HISTORY, select: { id: true } });
    if (old.length) await tx.lldpObservation.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  }
  for (const s of stored) {
    await appendAudit(tx, deps.provider, actor, now, {
      action: "lldp.observed",
      entity: "LldpObservation",
      entityId: s.assetId,
      after: { source: s.source, observedAt: s.observedAt.toISOString(), sysName: s.view.sysName, neighbors: s.view.neighbors.length },
    });
  }
  await publishEvent(tx, deps.provider, now, ...stored.map((s) => ({ scope: "cabling" as const, key: s.assetId, data: { kind: "lldp.observed" as const, source: s.source, neighbors: s.view.neighbors.length } })));
  return stored;
}

/** Tells the cable plan after the commit; its failure does not undo what was stored. */
async function afterCommit(deps: TDeps, assetIds: string[]) {
  if (assetIds.length === 0) return;
  try {
    await onLldpObserved(deps, [...new Set(assetIds)]);
  } catch (e) {
    console.error("cabling: reconciling after new LLDP views failed", e instanceof Error ? e.name : typeof e);
  }
}

/** A host's own view (`lldpcli -f json0 show neighbors`, parsed JSON), stored as the asset's latest host view. */
export async function recordHostView(deps: TDeps, actor: TActor, assetId: string, json0: unknown): Promise<{ assetId: string; observedAt: Date; neighbors: number }> {
  const asset = await assetIdentity(deps.db, assetId);
  const view = hostViewFromJson0(json0, { sysName: asset.serial });
  const now = deps.clock.now();
  await deps.db.$transaction((tx) => storeViews(tx, deps, actor, now, [{ assetId, source: "host", observedAt: now, view }]));
  await afterCommit(deps, [assetId]);
  return { assetId, observedAt: now, neighbors: view.neighbors.length };
}

// ---------------------------------------------------------------- switches

const SECRET_FIELDS = ["community", "authKey", "privKey"] as const;
type TSecretField = (typeof SECRET_FIELDS)[number];

/** Sealed with the switch id and the field as associated data: a ciphertext copied elsewhere does not open. */
function sealSecret(switchId: string, field: TSecretField, plain: string): string {
  return seal(plain, undefined, `net-switch:${switchId}:${field}`);
}
function openSecret(switchId: string, field: TSecretField, sealed: string): string {
  return open(sealed, undefined, `net-switch:${switchId}:${field}`);
}

const switchSelect = {
  id: true,
  assetId: true,
  agentId: true,
  host: true,
  port: true,
  snmpVersion: true,
  v3User: true,
  authProtocol: true,
  privProtocol: true,
  communityEnc: true,
  authKeyEnc: true,
  privKeyEnc: true,
  intervalSec: true,
  timeoutMs: true,
  lastPolledAt: true,
  lastError: true,
  createdAt: true,
  updatedAt: true,
} as const;

type TSwitchRow = { [K in keyof typeof switchSelect]: unknown } & { id: string; snmpVersion: string; communityEnc: string | null; authKeyEnc: string | null; privKeyEnc: string | null };

function switchOut(r: TSwitchRow): TSwitch {
  const { communityEnc, authKeyEnc, privKeyEnc, ...rest } = r;
  const hasSecrets = r.snmpVersion === "2c" ? communityEnc !== null : authKeyEnc !== null && privKeyEnc !== null;
  return { ...(rest as Omit<TSwitch, "hasSecrets">), hasSecrets };
}

/** what the audit log keeps of a switch: never a secret, only whether one was set */
function auditable(s: TSwitch) {
  const { createdAt: _c, updatedAt: _u, lastPolledAt: _p, lastError: _e, ...rest } = s;
  return rest;
}

async function checkAgentId(deps: TDeps, agentId: string | null | undefined) {
  if (!agentId) return;
  const a = (await listAgents(deps)).find((x) => x.id === agentId);
  if (!a) throw new AppError("BAD_REQUEST", `No agent with id ${agentId}; create it under Admin → Agents first.`, { fields: { agentId: ["Unknown agent"] } });
  if (a.revokedAt) throw new AppError("BAD_REQUEST", `Agent ${a.name} is revoked; pick another agent.`, { fields: { agentId: ["Revoked agent"] } });
}

export async function createSwitch(deps: TDeps, actor: TActor, input: TSwitchCreate): Promise<TSwitch> {
  const data = ZSwitchCreate.parse(input);
  await assetIdentity(deps.db, data.assetId);
  await checkAgentId(deps, data.agentId);
  const now = deps.clock.now();
  try {
    return await deps.db.$transaction(async (tx) => {
      const row = await tx.netSwitch.create({
        data: {
          assetId: data.assetId,
          agentId: data.agentId,
          host: data.host,
          port: data.port,
          snmpVersion: data.snmpVersion,
          v3User: data.snmpVersion === "3" ? data.v3User! : null,
          authProtocol: data.snmpVersion === "3" ? data.authProtocol : null,
          privProtocol: data.snmpVersion === "3" ? data.privProtocol : null,
          intervalSec: data.intervalSec,
          timeoutMs: data.timeoutMs,
        },
        select: { id: true },
      });
      const sealed =
        data.snmpVersion === "2c"
          ? { communityEnc: sealSecret(row.id, "community", data.community!) }
          : { authKeyEnc: sealSecret(row.id, "authKey", data.authKey!), privKeyEnc: sealSecret(row.id, "privKey", data.privKey!) };
      const out = switchOut(await tx.netSwitch.update({ where: { id: row.id }, data: sealed, select: switchSelect }));
      await appendAudit(tx, deps.provider, actor, now, { action: "create", entity: "NetSwitch", entityId: row.id, after: auditable(out) });
      return out;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `Asset ${data.assetId} is already registered as a polled switch; edit that one.`, { fields: { assetId: ["Already a polled switch"] } });
    throw e;
  }
}

export async function updateSwitch(deps: TDeps, actor: TActor, input: TSwitchUpdate): Promise<TSwitch> {
  const { id, data } = ZSwitchUpdate.parse(input);
  const before = await deps.db.netSwitch.findUnique({ where: { id }, select: switchSelect });
  if (!before) throw new AppError("NOT_FOUND", `No polled switch with id ${id}.`);
  if (data.agentId !== undefined) await checkAgentId(deps, data.agentId);
  const version = data.snmpVersion ?? before.snmpVersion;
  const changesVersion = data.snmpVersion !== undefined && data.snmpVersion !== before.snmpVersion;
  const fields: Record<string, string[]> = {};
  if (version === "2c" && changesVersion && !data.community) fields.community = ["Moving to SNMP v2c needs the read community."];
  if (version === "3") {
    if (changesVersion && !data.v3User) fields.v3User = ["Moving to SNMPv3 needs the user name."];
    if (changesVersion && (!data.authKey || !data.privKey)) fields.authKey = ["Moving to SNMPv3 needs both keys."];
    // a new protocol changes the localised keys: ask for the keys again
    const protoChange = (data.authProtocol && data.authProtocol !== before.authProtocol) || (data.privProtocol && data.privProtocol !== before.privProtocol);
    if (!changesVersion && protoChange && (!data.authKey || !data.privKey)) fields.authKey = ["Changing the SNMPv3 protocols needs both keys entered again."];
  }
  if (Object.keys(fields).length) throw new AppError("BAD_REQUEST", Object.values(fields)[0][0], { fields });
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const v3 = version === "3";
    const row = await tx.netSwitch.update({
      where: { id },
      data: {
        ...(data.agentId !== undefined ? { agentId: data.agentId } : {}),
        ...(data.host !== undefined ? { host: data.host } : {}),
        ...(data.port !== undefined ? { port: data.port } : {}),
        ...(data.intervalSec !== undefined ? { intervalSec: data.intervalSec } : {}),
        ...(data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {}),
        snmpVersion: version,
        v3User: v3 ? (data.v3User ?? before.v3User) : null,
        authProtocol: v3 ? (data.authProtocol ?? before.authProtocol ?? "sha") : null,
        privProtocol: v3 ? (data.privProtocol ?? before.privProtocol ?? "aes") : null,
        communityEnc: v3 ? null : data.community ? sealSecret(id, "community", data.community) : before.communityEnc,
        authKeyEnc: !v3 ? null : data.authKey ? sealSecret(id, "authKey", data.authKey) : before.authKeyEnc,
        privKeyEnc: !v3 ? null : data.privKey ? sealSecret(id, "privKey", data.privKey) : before.privKeyEnc,
      },
      select: switchSelect,
    });
    const out = switchOut(row);
    const secretsChanged = SECRET_FIELDS.filter((f) => data[f] !== undefined);
    await appendAudit(tx, deps.provider, actor, now, { action: "update", entity: "NetSwitch", entityId: id, before: auditable(switchOut(before)), after: { ...auditable(out), ...(secretsChanged.length ? { secretsChanged } : {}) } });
    return out;
  });
}

export async function deleteSwitch(deps: TDeps, actor: TActor, id: string): Promise<{ id: string }> {
  const before = await deps.db.netSwitch.findUnique({ where: { id }, select: switchSelect });
  if (!before) throw new AppError("NOT_FOUND", `No polled switch with id ${id}.`);
  const now = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await tx.netSwitch.delete({ where: { id } });
    await appendAudit(tx, deps.provider, actor, now, { action: "delete", entity: "NetSwitch", entityId: id, before: auditable(switchOut(before)) });
  });
  return { id };
}

export async function listSwitches(deps: TDeps, opts: { agentId?: string } = {}): Promise<TSwitch[]> {
  const rows = await deps.db.netSwitch.findMany({ where: opts.agentId ? { agentId: opts.agentId } : {}, orderBy: { host: "asc" }, select: switchSelect });
  return rows.map(switchOut);
}

export async function getSwitch(deps: TDeps, id: string): Promise<TSwitch> {
  const row = await deps.db.netSwitch.findUnique({ where: { id }, select: switchSelect });
  if (!row) throw new AppError("NOT_FOUND", `No polled switch with id ${id}.`);
  return switchOut(row);
}

// ---------------------------------------------------------------- the agent's side

/** The switches an agent walks, secrets opened (a switch whose secrets no longer open is left out and logged). */
export async function switchWork(deps: TDeps, agentId: string): Promise<TAgentSwitch[]> {
  const rows = await deps.db.netSwitch.findMany({ where: { agentId }, orderBy: { id: "asc" }, select: switchSelect });
  const out: TAgentSwitch[] = [];
  for (const r of rows) {
    try {
      const snmp: TAgentSwitch["snmp"] =
        r.snmpVersion === "2c"
          ? { version: "2c", community: openSecret(r.id, "community", r.communityEnc!) }
          : {
              version: "3",
              user: r.v3User!,
              authProtocol: r.authProtocol as "sha" | "sha256",
              authKey: openSecret(r.id, "authKey", r.authKeyEnc!),
              privProtocol: r.privProtocol as "aes" | "aes256b" | "aes256r",
              privKey: openSecret(r.id, "privKey", r.privKeyEnc!),
            };
      out.push({ switchId: r.id, assetId: r.assetId, host: r.host, port: r.port, intervalSec: r.intervalSec, timeoutMs: r.timeoutMs, snmp });
    } catch {
      console.error(`agent API: the SNMP secrets of switch ${r.id} cannot be opened with the current secret key; left out of the work of agent ${agentId}`);
    }
  }
  return out;
}

/** POST /api/agent/v1/lldp: a batch of walks, validated whole (nothing stored when one is bad), each key once. */
export async function ingestLldpObservations(deps: TDeps, agent: { id: string; name: string }, input: unknown): Promise<TObservationAck> {
  const parsed = ZLldpObservationBatch.safeParse(input);
  if (!parsed.success) throw new AppError("BAD_REQUEST", `The LLDP observations are not valid (${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}); nothing was stored.`, { fields: fieldErrors(parsed.error) });
  const obs: TLldpObservation[] = parsed.data.observations;
  const ids = [...new Set(obs.map((o) => o.switchId))];
  const owned = new Map((await deps.db.netSwitch.findMany({ where: { id: { in: ids }, agentId: agent.id }, select: { id: true, assetId: true } })).map((s) => [s.id, s.assetId]));
  const foreign = ids.filter((id) => !owned.has(id));
  if (foreign.length) throw new AppError("BAD_REQUEST", `Switch ${foreign[0]} is not assigned to agent ${agent.name}; nothing was stored.`);
  const bad = obs.findIndex((o) => (o.view === undefined) === (o.error === undefined));
  if (bad >= 0) throw new AppError("BAD_REQUEST", `Observation ${bad} must carry either a view or an error; nothing was stored.`);
  const now = deps.clock.now();
  const actor: TActor = { type: "agent", id: agent.id, name: `agent ${agent.name}`, role: "viewer" };
  const stored = await deps.db.$transaction(async (tx) => {
    const views = obs.filter((o) => o.view).map((o) => ({ assetId: owned.get(o.switchId)!, source: "snmp" as const, observedAt: new Date(o.observedAt), view: o.view!, agentId: agent.id, idempotencyKey: o.idempotencyKey }));
    const fresh = await storeViews(tx, deps, actor, now, views);
    // each switch's last poll: its newest observation of the batch
    const latest = new Map<string, TLldpObservation>();
    for (const o of obs) if (!latest.has(o.switchId) || latest.get(o.switchId)!.observedAt < o.observedAt) latest.set(o.switchId, o);
    for (const [id, o] of latest) {
      await tx.netSwitch.updateMany({ where: { id, OR: [{ lastPolledAt: null }, { lastPolledAt: { lte: new Date(o.observedAt) } }] }, data: { lastPolledAt: new Date(o.observedAt), lastError: o.error ? `${o.error.reason}: ${o.error.message}` : null } });
    }
    return fresh;
  });
  await afterCommit(deps, stored.map((s) => s.assetId));
  const keys = obs.map((o) => o.idempotencyKey);
  const freshErrors = obs.filter((o) => o.error).length;
  return { accepted: stored.length + freshErrors, duplicates: obs.length - stored.length - freshErrors, stored: keys };
}
