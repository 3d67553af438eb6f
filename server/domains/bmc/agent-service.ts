/**
 * The BMC domain's side of the agent API (server/contracts/agent.ts); the HTTP
 * transport is server/agent-api/http.ts:
 *
 *   agentFromToken      the agent behind a bearer token (`ila_…`, stored as sha256)
 *   agentWork           GET  work: targets with their credentials, opened here
 *   ingestObservations  POST observations: TObservationBatch → TObservationAck
 *   pollCommands        GET  commands?wait=SECONDS: the long poll (commands.ts)
 *
 * A batch is validated as a whole (400 with field errors, nothing
 * written), then stored in one short transaction, with one statement per
 * kind of read or write for the whole batch where that ends the same as
 * one observation after the other: each idempotency key once
 * (re-deliveries are answered as duplicates), the endpoint's last-seen state,
 * the pinned TLS fingerprint and the findings, and one audit entry.
 * Credentials are never logged.
 */
import { ZAgentWork, ZObservationBatch, type TAgentCommands, type TAgentTarget, type TAgentWork, type TObservation, type TObservationAck } from "../../contracts/agent";
import { AppError, uniqueViolation } from "../../errors";
import { fieldErrors } from "../../http";
import type { TActor, TDeps } from "../../context";
import { sha256 } from "../../auth/password";
import { cachedToken } from "../../auth/token-cache";
import { openEndpointPassword } from "./credentials";
import { appendAudit } from "../audit/service";
import { auditKey, GENESIS, keyedHash, nextObservationLinks, observationContent, type TLink } from "../../chains/chain";
import { hotWriter, type THotWriter } from "../../db/hot";
import { pokeLocalHubs, publishEvent } from "../../live/publish";
import type { TLivePublish } from "../../live/schema";
import { assetIdentities, assetIdentity, type TAssetIdentity } from "../assets/service";
import { retryableDbError } from "../assets/service";
import { recordCommandResult, releaseCommands, takeCommands, waitForCommand } from "./commands";
import { findingWrites, kindsJudgedBy, knownFindings, planFindings, probeFacts, writeFindings, type TFact, type TFindingWrites, type TKnownFinding } from "./reconcile";
import { AGENT_TOKEN_PREFIX } from "./service";
import { insertObservations, lastObserved, rowIds, updateEndpoints, type TEndpointChange } from "./ingest-sql";
import { pgIngest, sqliteIngest, type TBatchReads, type TBatchWrites, type TStateReads } from "./ingest-driver";
import type { TFindingKind } from "./schema";
import { burnInIngest, burnInWatched, burnInWatches } from "../burnin/service";

/** how often an agent asks for its work again */
export const AGENT_POLL_INTERVAL_SEC = 60;
/** How far ahead of the server's clock an observation may be dated (agent clocks drift a little). */
export const OBSERVATION_MAX_SKEW_MS = 5 * 60_000;

export interface TAgentIdentity {
  id: string;
  name: string;
  siteId: string | null;
}

export function agentActor(a: TAgentIdentity): TActor {
  return { type: "agent", id: a.id, name: `agent ${a.name}`, role: "viewer" };
}

/**
 * The agent behind a bearer token, or null (unknown or revoked). The lookup is cached for a few
 * seconds like an API token's (server/auth/token-cache.ts); revoking an agent clears the cache.
 * Refreshes lastSeenAt at most once a minute.
 */
export async function agentFromToken(deps: TDeps, token: string | undefined): Promise<TAgentIdentity | null> {
  if (!token || !token.startsWith(AGENT_TOKEN_PREFIX) || token.length > 100) return null;
  const tokenHash = sha256(token);
  const a = await cachedToken(
    deps.db,
    `agent:${tokenHash}`,
    () => deps.db.agent.findUnique({ where: { tokenHash }, select: { id: true, name: true, siteId: true, revokedAt: true, lastSeenAt: true } }),
    (r) => r !== null && !r.revokedAt,
  );
  if (!a || a.revokedAt) return null;
  const now = deps.clock.now();
  if (!a.lastSeenAt || now.getTime() - a.lastSeenAt.getTime() > 60_000) {
    a.lastSeenAt = now; // the cached row too: one write a minute, not one per request
    await deps.db.agent.update({ where: { id: a.id }, data: { lastSeenAt: now } }).catch(() => {});
  }
  return { id: a.id, name: a.name, siteId: a.siteId };
}

/** The BMCs this agent polls, with their credentials (the only place a password leaves the database, to its agent). */
export async function agentWork(deps: TDeps, agent: TAgentIdentity): Promise<TAgentWork> {
  const rows = await deps.db.bmcEndpoint.findMany({
    where: { agentId: agent.id },
    orderBy: { id: "asc" },
    select: { id: true, assetId: true, protocol: true, address: true, username: true, passwordEnc: true, intervalSec: true, allowCipherZero: true, tlsFingerprint: true },
  });
  const targets: TAgentTarget[] = [];
  for (const r of rows) {
    let password: string;
    try {
      password = await openEndpointPassword(deps.db, r);
    } catch {
      // the key changed since the password was stored; the endpoint needs its password entered again
      console.error(`agent API: the stored password of BMC endpoint ${r.id} cannot be opened with the current secret key; left out of the work of agent ${agent.name}`);
      continue;
    }
    targets.push({ endpointId: r.id, assetId: r.assetId, protocol: r.protocol as TAgentTarget["protocol"], address: r.address, username: r.username, password, intervalSec: r.intervalSec, allowCipherZero: r.allowCipherZero, tlsFingerprint: r.tlsFingerprint });
  }
  return ZAgentWork.parse({ agentId: agent.id, siteId: agent.siteId, pollIntervalSec: AGENT_POLL_INTERVAL_SEC, targets, watches: await burnInWatches(deps, agent.id) });
}

interface TEndpointState {
  id: string;
  assetId: string;
  tlsFingerprint: string | null;
}

/**
 * The batch validated as a whole: any invalid observation refuses the batch (nothing is stored), with
 * an error that names the observations by their index in the batch (an agent then sends its records
 * one by one and sets the refused one aside).
 */
function parseBatch(input: unknown) {
  const r = ZObservationBatch.safeParse(input);
  if (r.success) return r.data;
  const items = [...new Set(r.error.issues.filter((i) => i.path[0] === "observations" && typeof i.path[1] === "number").map((i) => i.path[1] as number))];
  if (items.length === 0) throw r.error;
  const first = r.error.issues.find((i) => i.path[1] === items[0])!;
  const where = first.path.slice(2).map(String).join(".");
  throw new AppError(
    "BAD_REQUEST",
    `${items.length === 1 ? `Observation ${items[0]} of the batch is` : `Observations ${items.slice(0, 10).join(", ")}${items.length > 10 ? ", …" : ""} of the batch are`} not valid (observation ${items[0]}${where ? `, ${where}` : ""}: ${first.message}); nothing in the batch was stored. Send the others without it.`,
    { fields: fieldErrors(r.error) },
  );
}

/** Stores a validated batch; see the file header. Safe to call twice with the same batch. */
export async function ingestObservations(deps: TDeps, agent: TAgentIdentity, input: unknown): Promise<TObservationAck> {
  const batch = parseBatch(input);
  const keys = batch.observations.map((o) => o.idempotencyKey);
  // what needs no database is done before the transaction: ids, payload JSON (the rows of all observations; re-sent ones are dropped inside)
  const now = deps.clock.now();
  const newRowId = rowIds();
  const rows = batch.observations.map((o) => observationRow(o, agent.id, now, newRowId));
  // a command's result goes through commands.ts (Prisma, in the batch's transaction), and so do the samples of BMCs
  // watched by a running burn-in (burnin/service.ts writes them in the batch's transaction); everything else through the driver
  const viaPrisma = batch.observations.some((o) => o.kind === "bmc.command") || (await burnInWatched(deps, [...new Set(batch.observations.map((o) => o.endpointId))]));
  const writer = viaPrisma ? undefined : hotWriter(deps.db);
  for (let attempt = 0; ; attempt++) {
    try {
      const accepted = writer
        ? await storeBatchDriver(deps, writer, agent, now, batch.observations, rows, newRowId)
        : await storeBatch(deps, agent, now, batch.observations, rows, newRowId);
      if (accepted > 0 && writer?.provider === "sqlite") pokeLocalHubs();
      return { accepted, duplicates: keys.length - accepted, stored: keys };
    } catch (e) {
      // the same key delivered twice at the same moment (a retry racing its original): the second pass sees it stored
      if ((uniqueViolation(e) || rawUniqueViolation(e)) && attempt < 2) continue;
      throw retryableDbError(e) ?? e;
    }
  }
}

/** Refuses observations for endpoints the agent does not poll, and observations dated ahead of the server's clock (nothing stored). */
function checkBatch(agent: TAgentIdentity, now: Date, observations: TObservation[], owned: Map<string, TEndpointState>): void {
  const foreign: Record<string, string[]> = {};
  observations.forEach((o, i) => {
    if (!owned.has(o.endpointId)) foreign[`observations.${i}.endpointId`] = [`BMC endpoint ${o.endpointId} is not assigned to agent ${agent.name}`];
  });
  if (Object.keys(foreign).length) throw new AppError("BAD_REQUEST", "Some observations are for BMC endpoints this agent does not poll.", { fields: foreign });
  // one observation dated ahead would outrank every later one: refuse it, and say why
  const limit = now.getTime() + OBSERVATION_MAX_SKEW_MS;
  const future: Record<string, string[]> = {};
  observations.forEach((o, i) => {
    if (new Date(o.observedAt).getTime() > limit) future[`observations.${i}.observedAt`] = [`Dated in the future (${o.observedAt}); check the clock of the agent host (NTP)`];
  });
  if (Object.keys(future).length)
    throw new AppError("BAD_REQUEST", `Some observations are dated more than ${OBSERVATION_MAX_SKEW_MS / 60_000} minutes ahead of the server's clock; set the agent host's clock right (NTP).`, { fields: future });
}

/** A unique constraint failed in a raw statement (Prisma reports those as P2010, not P2002), or in a driver statement (SQLite, PostgreSQL 23505). */
function rawUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return (err?.code === "P2010" && err.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation") || err?.code === "23505" || err?.code === "SQLITE_CONSTRAINT_UNIQUE";
}

type TRow = ReturnType<typeof observationRow>;

/** The stored row of an observation (its chain link is added in the transaction). */
function observationRow(o: TObservation, agentId: string, now: Date, newRowId: () => string) {
  const payload =
    o.kind === "bmc.probe"
      ? { result: o.result, tlsFingerprint: o.tlsFingerprint ?? null }
      : o.kind === "bmc.command"
        ? { commandId: o.commandId, ok: o.ok, power: o.power ?? null, error: o.error ?? null }
        : { reason: o.reason, message: o.message };
  return { id: newRowId(), endpointId: o.endpointId, agentId, idempotencyKey: o.idempotencyKey, kind: o.kind, observedAt: new Date(o.observedAt), receivedAt: now, durationMs: Math.round(o.durationMs), payload: JSON.stringify(payload) };
}

/** The observations not stored yet (each key once), in the order they were observed, with their rows. */
function freshOf(observations: TObservation[], rows: TRow[], held: Set<string>): { fresh: TObservation[]; rows: TRow[] } {
  const seen = new Set(held);
  const picked: { o: TObservation; r: TRow }[] = [];
  observations.forEach((o, i) => {
    if (seen.has(o.idempotencyKey)) return;
    seen.add(o.idempotencyKey);
    picked.push({ o, r: rows[i]! });
  });
  picked.sort((a, b) => a.o.observedAt.localeCompare(b.o.observedAt));
  return { fresh: picked.map((p) => p.o), rows: picked.map((p) => p.r) };
}

/** The chain links of rows appended after `head`, in order. */
function linksAfter(head: { chainSeq: number; hash: string } | undefined, rows: TRow[]): TLink[] {
  let prevHash = head?.hash ?? GENESIS;
  let seq = head?.chainSeq ?? 0;
  const key = auditKey();
  return rows.map((r) => {
    const link = { chainSeq: ++seq, prevHash, hash: keyedHash(prevHash, observationContent(r), key) };
    prevHash = link.hash;
    return link;
  });
}

/**
 * Reconciles a batch's observations in order against what the transaction read, gathering every write:
 * the same end state as one observation after the other. A command's result is the caller's (it changes
 * no finding); `count` still lists its endpoint.
 */
function batchReconciler(now: Date, owned: Map<string, TEndpointState>, reads: TStateReads, newRowId: () => string) {
  const summary = { observations: 0, endpoints: [] as string[], opened: [] as string[], resolved: [] as string[], pinned: [] as string[], tlsMismatch: [] as string[], commands: [] as string[] };
  /** per endpoint: what the asset page's BMC panel should refetch */
  const changed = new Map<string, { assetId: string; status: string; opened: number; resolved: number }>();
  /** per endpoint: its row's new state, written once (the same end state as one update per observation) */
  const pending = new Map<string, TEndpointChange>();
  /** the findings' writes, gathered in order and written together */
  const writes = findingWrites(newRowId);
  const counted = new Set<string>();
  return {
    summary,
    pending,
    writes,
    count(endpointId: string) {
      summary.observations++;
      if (!counted.has(endpointId)) {
        counted.add(endpointId);
        summary.endpoints.push(endpointId);
      }
    },
    apply(o: Exclude<TObservation, { kind: "bmc.command" }>, row: TRow, asset: TAssetIdentity | undefined) {
      const ep = owned.get(o.endpointId)!;
      // an older observation delivered late is kept, but does not override newer state
      const prev = reads.latest.get(ep.id) ?? null;
      if (prev && row.observedAt < prev) return;
      reads.latest.set(ep.id, row.observedAt);
      const [opened, resolved] = [summary.opened.length, summary.resolved.length];
      const status = applyObservation(now, ep, o, row.id, summary, asset, reads.findings.get(ep.id)!, writes, (data) => pending.set(ep.id, { ...pending.get(ep.id), ...data }));
      const c = changed.get(ep.id) ?? { assetId: ep.assetId, status, opened: 0, resolved: 0 };
      changed.set(ep.id, { ...c, status, opened: c.opened + summary.opened.length - opened, resolved: c.resolved + summary.resolved.length - resolved });
    },
    notices(): TLivePublish[] {
      return [...changed].flatMap(([endpointId, c]) => [
        { scope: "bmc" as const, key: c.assetId, data: { kind: "bmc.observed" as const, endpointId, status: c.status } },
        ...(c.opened || c.resolved ? [{ scope: "bmc" as const, key: c.assetId, data: { kind: "bmc.findings" as const, opened: c.opened, resolved: c.resolved } }] : []),
      ]);
    },
  };
}

/** An asset's identity for reconciliation: the endpoint's asset always exists (foreign key), so a miss means it went away under us. */
function identityOf(reads: TStateReads, assetId: string): TAssetIdentity {
  const a = reads.identities.get(assetId);
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  return a;
}

/**
 * The batch through the driver (./ingest-driver.ts): everything read and written in one transaction,
 * on SQLite in one synchronous run under the writer lock.
 */
async function storeBatchDriver(deps: TDeps, writer: THotWriter, agent: TAgentIdentity, now: Date, observations: TObservation[], allRows: TRow[], newRowId: () => string): Promise<number> {
  const endpointIds = [...new Set(observations.map((o) => o.endpointId))];
  const keys = observations.map((o) => o.idempotencyKey);
  const upTo = new Date(now.getTime() + OBSERVATION_MAX_SKEW_MS);
  const actor = agentActor(agent);
  /** the batch as one observation after the other would leave it, from what the transaction read */
  const plan = (reads: TBatchReads) => {
    const owned = new Map(reads.owned.map((e) => [e.id, { ...e }]));
    checkBatch(agent, now, observations, owned);
    const { fresh, rows } = freshOf(observations, allRows, reads.held);
    const probed = [...new Set(fresh.filter((o) => o.kind === "bmc.probe").map((o) => owned.get(o.endpointId)!.assetId))];
    return { owned, fresh, rows, probed, touched: [...new Set(fresh.map((o) => o.endpointId))] };
  };
  const reconcile = (p: ReturnType<typeof plan>, state: TStateReads): TBatchWrites => {
    const r = batchReconciler(now, p.owned, state, newRowId);
    p.fresh.forEach((o, i) => {
      r.count(o.endpointId);
      if (o.kind === "bmc.command") throw new Error("command results are stored through commands.ts");
      r.apply(o, p.rows[i]!, o.kind === "bmc.probe" ? identityOf(state, p.owned.get(o.endpointId)!.assetId) : undefined);
    });
    return { endpoints: r.pending, findings: r.writes, notices: r.notices(), actor, audit: { action: "observe", entity: "Agent", entityId: agent.id, after: r.summary } };
  };
  if (writer.provider === "sqlite") {
    return writer.transaction((tx) => {
      const p = plan(sqliteIngest.batch(tx, agent.id, endpointIds, keys));
      if (p.fresh.length === 0) return 0;
      const links = linksAfter(sqliteIngest.chainHead(tx), p.rows);
      const state = sqliteIngest.state(tx, p.touched, p.probed, upTo);
      sqliteIngest.insertObservations(tx, p.rows.map((r, i) => ({ ...r, ...links[i]! })));
      sqliteIngest.write(tx, now, reconcile(p, state));
      return p.fresh.length;
    });
  }
  return writer.transaction(async (tx) => {
    const p = plan(await pgIngest.batch(tx, agent.id, endpointIds, keys));
    if (p.fresh.length === 0) return 0;
    const links = linksAfter(await pgIngest.chainHead(tx), p.rows);
    const state = await pgIngest.state(tx, p.touched, p.probed, upTo);
    await pgIngest.insertObservations(tx, p.rows.map((r, i) => ({ ...r, ...links[i]! })));
    await pgIngest.write(tx, now, reconcile(p, state));
    return p.fresh.length;
  });
}

/** The batch through Prisma: batches with command results (commands.ts writes through the Prisma transaction), and clients without a driver writer. */
async function storeBatch(deps: TDeps, agent: TAgentIdentity, now: Date, observations: TObservation[], allRows: TRow[], newRowId: () => string): Promise<number> {
  const endpointIds = [...new Set(observations.map((o) => o.endpointId))];
  const endpoints = await deps.db.bmcEndpoint.findMany({ where: { id: { in: endpointIds }, agentId: agent.id }, select: { id: true, assetId: true, tlsFingerprint: true } });
  const owned = new Map(endpoints.map((e) => [e.id, e]));
  checkBatch(agent, now, observations, owned);
  // idempotency keys are the agent's own: another agent may use the same ones
  const held = await deps.db.bmcObservation.findMany({ where: { agentId: agent.id, idempotencyKey: { in: observations.map((o) => o.idempotencyKey) } }, select: { idempotencyKey: true } });
  const { fresh, rows } = freshOf(observations, allRows, new Set(held.map((h) => h.idempotencyKey)));
  if (fresh.length === 0) return 0;
  const probedAssets = [...new Set(fresh.filter((o) => o.kind === "bmc.probe").map((o) => owned.get(o.endpointId)!.assetId))];

  await deps.db.$transaction(
    async (tx) => {
      const touched = [...new Set(rows.map((r) => r.endpointId))];
      // rows dated ahead (stored before they were refused) must not outrank what is observed now
      const latest = await lastObserved(tx, deps.provider, touched, new Date(now.getTime() + OBSERVATION_MAX_SKEW_MS));
      // the whole batch joins the observation chain in one statement, linked in order (the chain lock is held until commit)
      const links = await nextObservationLinks(tx, deps.provider, rows);
      const state: TStateReads = { latest, identities: await assetIdentities(tx, probedAssets), findings: await knownFindings(tx, touched) };
      await insertObservations(tx, deps.provider, rows.map((r, i) => ({ ...r, ...links[i]! })));
      await burnInIngest(tx, deps.provider, fresh); // burn-in samples of watched BMCs, in this transaction
      const r = batchReconciler(now, owned, state, newRowId);
      const flush = async () => {
        await updateEndpoints(tx, deps.provider, r.pending);
        r.pending.clear();
        await writeFindings(tx, deps.provider, r.writes);
      };
      for (let i = 0; i < fresh.length; i++) {
        const o = fresh[i]!;
        r.count(o.endpointId);
        if (o.kind === "bmc.command") {
          // a command's result counts whenever it arrives; it changes no finding (and may set the endpoint's power: write ours first)
          await flush();
          const status = await recordCommandResult(tx, deps.provider, agentActor(agent), now, agent.id, o, rows[i]!.id);
          if (status) r.summary.commands.push(`${o.commandId}:${status}`);
          continue;
        }
        const assetId = owned.get(o.endpointId)!.assetId;
        r.apply(o, rows[i]!, o.kind === "bmc.probe" ? (state.identities.get(assetId) ?? (await assetIdentity(tx, assetId))) : undefined);
      }
      await flush();
      await publishEvent(tx, deps.provider, now, ...r.notices());
      await appendAudit(tx, deps.provider, agentActor(agent), now, { action: "observe", entity: "Agent", entityId: agent.id, after: r.summary });
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  return fresh.length;
}

function applyObservation(
  now: Date,
  ep: TEndpointState,
  o: Exclude<TObservation, { kind: "bmc.command" }>,
  observationId: string,
  summary: { opened: string[]; resolved: string[]; pinned: string[]; tlsMismatch: string[] },
  asset: TAssetIdentity | undefined,
  known: TKnownFinding[],
  writes: TFindingWrites,
  setEndpoint: (data: TEndpointChange) => void,
): string {
  const target = { endpointId: ep.id, assetId: ep.assetId };
  const at = new Date(o.observedAt);
  let facts: TFact[];
  let judged: TFindingKind[];
  if (o.kind === "bmc.probe") {
    const fp = o.tlsFingerprint ?? null;
    if (fp && ep.tlsFingerprint && fp !== ep.tlsFingerprint) {
      // not the BMC we pinned: keep the observation, trust nothing in it
      const ch = planFindings(at, target, [{ kind: "TLS_MISMATCH", key: fp, detail: { pinned: ep.tlsFingerprint, presented: fp } }], [], known, writes);
      summary.opened.push(...ch.opened);
      summary.tlsMismatch.push(ep.id);
      setEndpoint({ lastStatus: "tls-mismatch", lastError: "The BMC presented a certificate other than the pinned one.", updatedAt: now });
      return "tls-mismatch";
    }
    const pin = fp && !ep.tlsFingerprint ? fp : undefined;
    if (pin) {
      ep.tlsFingerprint = pin;
      summary.pinned.push(ep.id);
    }
    facts = probeFacts({ serial: asset!.serial, parts: asset!.parts, model: asset!.model }, o.result);
    judged = kindsJudgedBy({ kind: "bmc.probe", hasComponents: o.result.components !== undefined });
    // the certificate presented is the pinned one (again, or newly after a reset): a mismatch about it is over
    if (fp) judged = [...judged, "TLS_MISMATCH"];
    setEndpoint({ lastSeenAt: at, lastPower: o.result.power, lastStatus: "ok", lastError: null, lastProbeId: observationId, ...(pin ? { tlsFingerprint: pin } : {}), updatedAt: now });
  } else {
    facts = [{ kind: "UNREACHABLE", key: o.reason, detail: { reason: o.reason, message: o.message } }];
    judged = kindsJudgedBy({ kind: "bmc.unreachable" });
    setEndpoint({ lastStatus: "unreachable", lastError: `${o.reason}: ${o.message}`.slice(0, 500), updatedAt: now });
  }
  const ch = planFindings(at, target, facts, judged, known, writes);
  summary.opened.push(...ch.opened);
  summary.resolved.push(...ch.resolved);
  return o.kind === "bmc.probe" ? "ok" : "unreachable";
}

/** How often a long poll looks at the database (other replicas may queue commands). */
const COMMAND_POLL_MS = 500;

/**
 * GET /commands: this agent's commands, as soon as there are any, or an empty
 * list after `waitMs`. When `signal` aborts (the agent went away, the server is
 * stopping) the commands taken for this request go back to the queue.
 */
export async function pollCommands(deps: TDeps, agent: TAgentIdentity, waitMs: number, signal: AbortSignal): Promise<TAgentCommands> {
  const deadline = Date.now() + Math.max(0, waitMs);
  for (;;) {
    const commands = await takeCommands(deps, agent, agentActor(agent));
    if (signal.aborted) {
      // nobody will receive these
      await releaseCommands(deps, agent.id, commands.map((c) => c.commandId));
      return { commands: [] };
    }
    const left = deadline - Date.now();
    if (commands.length > 0 || left <= 0) return { commands };
    await waitForCommand(agent.id, Math.min(COMMAND_POLL_MS, left), signal);
  }
}
