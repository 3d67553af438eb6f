/**
 * BMC power commands for endpoints behind a site agent (the agent API's
 * command channel, server/contracts/agent.ts):
 *
 *   queueCommand   a technician or admin asks (audited: who, what, when)   → QUEUED
 *   takeCommands   the agent's GET /commands hands each command out once   → SENT
 *   recordCommandResult  the agent's `bmc.command` observation             → DONE | FAILED
 *   a command nobody took (or answered) before its deadline                → EXPIRED
 *     (the bmc.expire-command job, queued with the command, writes that down at the deadline;
 *      reads show an overdue command as EXPIRED even before it ran)
 *
 * A command expires COMMAND_TTL_MS after it was queued, so a power-off is never
 * carried out late; the agent checks the deadline again before it acts. A
 * result that arrives after the deadline (the agent acted in time, the server
 * was down) still wins over EXPIRED: it is what the BMC did.
 *
 * Endpoints without an agent keep the direct path (service.ts powerAction).
 */
import { z } from "zod";
import { FIRMWARE_UPDATE_ACTION, ZFirmwareUpdateParams, type TAgentCommand, type TFirmwareUpdateParams, type TObservation } from "../../contracts/agent";
import type { Tx } from "../../db/client";
import { AppError, uniqueViolation } from "../../errors";
import { SYSTEM_ACTOR, type TActor, type TDeps } from "../../context";
import type { TProvider } from "../../db/url";
import { defineJob, enqueue } from "../../jobs/queue";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { assetIdentity } from "../assets/service";
import { ZCommandCancel, ZCommandList, ZCommandQueue, type TBmcCommand, type TCommandAction, type TCommandList, type TCommandQueue, type TCommandStatus } from "./schema";

/** How long a queued command may wait for its agent. */
export const COMMAND_TTL_MS = 2 * 60_000;
const OPEN: TCommandStatus[] = ["QUEUED", "SENT"];

// ------------------------------------------------------------------ in-process notifier

/** Wakes long polls in this process when a command is queued for their agent (other replicas fall back to polling). */
const waiters = new Map<string, Set<() => void>>();

function notifyAgent(agentId: string): void {
  for (const wake of waiters.get(agentId) ?? []) wake();
}

/** Resolves after `ms`, when a command is queued for `agentId` in this process, or when `signal` aborts. */
export function waitForCommand(agentId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let set = waiters.get(agentId);
    if (!set) waiters.set(agentId, (set = new Set()));
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      set.delete(done);
      if (set.size === 0 && waiters.get(agentId) === set) waiters.delete(agentId);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    set.add(done);
    if (signal?.aborted) done();
    else signal?.addEventListener("abort", done, { once: true });
  });
}

// ------------------------------------------------------------------ mapping

interface TCommandRow {
  id: string;
  endpointId: string;
  assetId: string;
  agentId: string;
  action: string;
  status: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: Date;
  expiresAt: Date;
  sentAt: Date | null;
  finishedAt: Date | null;
  power: string | null;
  error: string | null;
}

const commandSelect = {
  id: true,
  endpointId: true,
  assetId: true,
  agentId: true,
  action: true,
  status: true,
  requestedBy: true,
  requestedByName: true,
  requestedAt: true,
  expiresAt: true,
  sentAt: true,
  finishedAt: true,
  power: true,
  error: true,
} as const;

/** The row as people see it; an open command past its deadline reads as EXPIRED even before anything wrote that down. */
function toCommand(r: TCommandRow, now: Date): TBmcCommand {
  const overdue = OPEN.includes(r.status as TCommandStatus) && r.expiresAt <= now;
  return {
    ...r,
    action: r.action as TCommandAction,
    status: overdue ? "EXPIRED" : (r.status as TCommandStatus),
    finishedAt: overdue ? r.expiresAt : r.finishedAt,
    power: r.power === "on" || r.power === "off" ? r.power : null,
  };
}

/** Marks open commands past their deadline EXPIRED (audited), in `where`'s scope. */
async function expireOverdue(deps: TDeps, where: { endpointId?: string; agentId?: string }): Promise<void> {
  const now = deps.clock.now();
  const overdue = await deps.db.bmcCommand.findMany({ where: { ...where, status: { in: OPEN }, expiresAt: { lte: now } }, select: { id: true, status: true, endpointId: true, assetId: true, action: true } });
  if (overdue.length === 0) return;
  await deps.db.$transaction(async (tx) => {
    for (const c of overdue) {
      const res = await tx.bmcCommand.updateMany({ where: { id: c.id, status: c.status }, data: { status: "EXPIRED", finishedAt: now, openSlot: null } });
      if (res.count !== 1) continue;
      await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "power.expired", entity: "BmcCommand", entityId: c.id, before: { status: c.status }, after: { status: "EXPIRED", endpointId: c.endpointId, assetId: c.assetId, action: c.action } });
      await publishEvent(tx, deps.provider, now, { scope: "bmc", key: c.assetId, data: { kind: "bmc.command", commandId: c.id, status: "EXPIRED" } });
    }
  });
}

/** The command's deadline as a durable job: queued with the command, due when it expires. */
export const expireCommandJob = defineJob({
  name: "bmc.expire-command",
  version: 1,
  payload: z.object({ commandId: z.string().min(1) }),
  maxAttempts: 10,
  backoff: { baseMs: 5_000, maxMs: 300_000 },
  handler: async (deps, { commandId }) => {
    const c = await deps.db.bmcCommand.findUnique({ where: { id: commandId }, select: { endpointId: true } });
    if (!c) return "command gone";
    await expireOverdue(deps, { endpointId: c.endpointId });
  },
});

// ------------------------------------------------------------------ people

/**
 * Queue a power command (or "probe": read the BMC now) for the agent that reaches this asset's BMC. Refused
 * when the asset is disposed, the endpoint has no agent (use the direct power
 * action), or a command for this BMC is still open.
 */
export async function queueCommand(deps: TDeps, actor: TActor, input: TCommandQueue, opts: { ttlMs?: number } = {}): Promise<TBmcCommand> {
  const { assetId, action } = ZCommandQueue.parse(input);
  const ep = await deps.db.bmcEndpoint.findUnique({ where: { assetId }, select: { id: true, agentId: true, lastPower: true, agent: { select: { name: true, revokedAt: true } } } });
  if (!ep) throw new AppError("NOT_FOUND", "This asset has no BMC endpoint; add one first.");
  const asset = await assetIdentity(deps.db, assetId);
  if (asset.status === "DISPOSED") throw new AppError("BAD_REQUEST", `Asset ${asset.serial} is disposed; its BMC takes no power commands.`);
  if (!ep.agentId) throw new AppError("BAD_REQUEST", "This BMC has no site agent; the server switches its power directly (use the power action).");
  if (ep.agent?.revokedAt) throw new AppError("BAD_REQUEST", `The agent ${ep.agent.name} of this BMC is revoked; assign the BMC to a working agent first.`);
  await expireOverdue(deps, { endpointId: ep.id });
  const ttlMs = opts.ttlMs ?? COMMAND_TTL_MS;
  const busy = (open: { action: string; requestedByName: string; expiresAt: Date } | null) =>
    new AppError(
      "CONFLICT",
      open
        ? `A "${open.action}" command from ${open.requestedByName} is still waiting for this BMC; wait until it is done or it expires at ${open.expiresAt.toISOString()}, then try again.`
        : "Another power command for this BMC was queued at the same moment; wait until it is done, then try again.",
    );
  const cmd = await deps.db
    .$transaction(async (tx) => {
      const now = deps.clock.now();
      const open = await tx.bmcCommand.findFirst({ where: { endpointId: ep.id, status: { in: OPEN }, expiresAt: { gt: now } }, select: { action: true, requestedByName: true, expiresAt: true } });
      if (open) throw busy(open);
      // openSlot is unique: of two requests racing past the check above, the database lets one in
      const row = await tx.bmcCommand.create({
        data: { endpointId: ep.id, assetId, agentId: ep.agentId!, action, status: "QUEUED", requestedBy: actor.id, requestedByName: actor.name, requestedAt: now, expiresAt: new Date(now.getTime() + ttlMs), openSlot: ep.id },
        select: commandSelect,
      });
      await appendAudit(tx, deps.provider, actor, now, {
        action: "power.queue",
        entity: "BmcCommand",
        entityId: row.id,
        before: { power: ep.lastPower },
        after: { endpointId: ep.id, assetId, agentId: ep.agentId, agent: ep.agent?.name ?? null, requested: action, expiresAt: row.expiresAt.toISOString() },
      });
      await enqueue(tx, expireCommandJob, { commandId: row.id }, { now, runAt: row.expiresAt, dedupeKey: row.id });
      await publishEvent(tx, deps.provider, now, { scope: "bmc", key: assetId, data: { kind: "bmc.command", commandId: row.id, status: "QUEUED" } });
      return toCommand(row, now);
    })
    .catch((e: unknown) => {
      if (uniqueViolation(e)) throw busy(null);
      throw e;
    });
  notifyAgent(cmd.agentId);
  return cmd;
}

/**
 * Cancels a command the agent has not taken yet (QUEUED → CANCELLED), e.g. while the agent is
 * offline. A command already sent to the agent cannot be called back.
 */
export async function cancelCommand(deps: TDeps, actor: TActor, input: z.input<typeof ZCommandCancel>): Promise<TBmcCommand> {
  const { id } = ZCommandCancel.parse(input);
  const c = await deps.db.bmcCommand.findUnique({ where: { id }, select: commandSelect });
  if (!c) throw new AppError("NOT_FOUND", `No command with id ${id}.`);
  const now = deps.clock.now();
  const shown = toCommand(c, now);
  if (shown.status !== "QUEUED")
    throw new AppError(
      "CONFLICT",
      shown.status === "SENT"
        ? "The agent has already taken this command; it can no longer be cancelled. Follow its result on the page."
        : `This command is already ${shown.status.toLowerCase()}; there is nothing to cancel.`,
    );
  return deps.db.$transaction(async (tx) => {
    const res = await tx.bmcCommand.updateMany({ where: { id, status: "QUEUED" }, data: { status: "CANCELLED", finishedAt: now, openSlot: null } });
    if (res.count !== 1) throw new AppError("CONFLICT", "The agent took this command at the same moment; it can no longer be cancelled. Follow its result on the page.");
    await appendAudit(tx, deps.provider, actor, now, { action: "power.cancel", entity: "BmcCommand", entityId: id, before: { status: "QUEUED" }, after: { status: "CANCELLED", endpointId: c.endpointId, assetId: c.assetId, action: c.action } });
    await publishEvent(tx, deps.provider, now, { scope: "bmc", key: c.assetId, data: { kind: "bmc.command", commandId: id, status: "CANCELLED" } });
    return toCommand({ ...c, status: "CANCELLED", finishedAt: now }, now);
  });
}

/** The asset's recent commands, newest first. */
export async function listCommands(deps: TDeps, input: TCommandList): Promise<TBmcCommand[]> {
  const { assetId, take } = ZCommandList.parse(input);
  const now = deps.clock.now();
  const rows = await deps.db.bmcCommand.findMany({ where: { assetId, action: { not: FIRMWARE_UPDATE_ACTION } }, orderBy: [{ requestedAt: "desc" }, { id: "desc" }], take: take ?? 10, select: commandSelect });
  return rows.map((r) => toCommand(r, now));
}

// ------------------------------------------------------------------ firmware updates (campaigns)

/**
 * Queues a firmware.update command for the agent of this asset's BMC, inside the caller's transaction
 * (server/domains/firmware/campaign.ts). The agent takes it like a power command (one open command per
 * BMC); its result is a bmc.command observation. Call `wakeAgent` after the transaction commits.
 */
export async function queueFirmwareUpdateInTx(
  tx: Tx,
  provider: TProvider,
  now: Date,
  actor: TActor,
  input: { assetId: string; params: TFirmwareUpdateParams; ttlMs: number; campaignId: string },
): Promise<{ commandId: string; agentId: string }> {
  const ep = await tx.bmcEndpoint.findUnique({ where: { assetId: input.assetId }, select: { id: true, agentId: true, agent: { select: { name: true, revokedAt: true } } } });
  if (!ep) throw new AppError("BAD_REQUEST", "This asset has no BMC endpoint; add one before updating its firmware.");
  if (!ep.agentId || ep.agent?.revokedAt) throw new AppError("BAD_REQUEST", "This asset's BMC has no working site agent; firmware updates go through the site agent.");
  const open = await tx.bmcCommand.findFirst({ where: { endpointId: ep.id, status: { in: OPEN }, expiresAt: { gt: now } }, select: { action: true, requestedByName: true } });
  if (open) throw new AppError("CONFLICT", `A "${open.action}" command from ${open.requestedByName} is still waiting for this BMC; the update waits until it is done.`);
  await tx.bmcCommand.updateMany({ where: { openSlot: ep.id }, data: { openSlot: null } }); // an overdue one no longer holds the slot
  const row = await tx.bmcCommand.create({
    data: {
      endpointId: ep.id,
      assetId: input.assetId,
      agentId: ep.agentId,
      action: FIRMWARE_UPDATE_ACTION,
      params: JSON.stringify(input.params),
      status: "QUEUED",
      requestedBy: actor.id,
      requestedByName: actor.name,
      requestedAt: now,
      expiresAt: new Date(now.getTime() + input.ttlMs),
      openSlot: ep.id,
    },
    select: { id: true, expiresAt: true },
  });
  await appendAudit(tx, provider, actor, now, {
    action: "firmware.update.queue",
    entity: "BmcCommand",
    entityId: row.id,
    after: { endpointId: ep.id, assetId: input.assetId, agentId: ep.agentId, campaignId: input.campaignId, imageUri: input.params.imageUri, expiresAt: row.expiresAt.toISOString() },
  });
  await enqueue(tx, expireCommandJob, { commandId: row.id }, { now, runAt: row.expiresAt, dedupeKey: row.id });
  await publishEvent(tx, provider, now, { scope: "bmc", key: input.assetId, data: { kind: "bmc.command", commandId: row.id, status: "QUEUED" } });
  return { commandId: row.id, agentId: ep.agentId };
}

/** Wakes the agent's long poll in this process (after the transaction that queued its command committed). */
export function wakeAgent(agentId: string): void {
  notifyAgent(agentId);
}

/** Where a command stands (the raw status: an open command past its deadline is still SENT/QUEUED here). */
export async function commandOutcome(deps: TDeps, commandId: string): Promise<{ status: TCommandStatus; error: string | null; sentAt: Date | null; finishedAt: Date | null } | null> {
  const c = await deps.db.bmcCommand.findUnique({ where: { id: commandId }, select: { status: true, error: true, sentAt: true, finishedAt: true } });
  return c ? { ...c, status: c.status as TCommandStatus } : null;
}

// ------------------------------------------------------------------ agents

/** Hands out this agent's queued, unexpired commands for BMCs it still polls; each command once (QUEUED → SENT). */
export async function takeCommands(deps: TDeps, agent: { id: string; name: string }, actor: TActor): Promise<TAgentCommand[]> {
  await expireOverdue(deps, { agentId: agent.id });
  const now = deps.clock.now();
  const queued = await deps.db.bmcCommand.findMany({ where: { agentId: agent.id, status: "QUEUED", expiresAt: { gt: now } }, orderBy: [{ requestedAt: "asc" }, { id: "asc" }], take: 100, select: { ...commandSelect, params: true } });
  if (queued.length === 0) return [];
  const mine = new Set(
    (await deps.db.bmcEndpoint.findMany({ where: { id: { in: [...new Set(queued.map((c) => c.endpointId))] }, agentId: agent.id }, select: { id: true } })).map((e) => e.id),
  );
  const out: TAgentCommand[] = [];
  await deps.db.$transaction(async (tx) => {
    for (const c of queued) {
      if (!mine.has(c.endpointId)) continue; // reassigned meanwhile: it expires
      const res = await tx.bmcCommand.updateMany({ where: { id: c.id, status: "QUEUED" }, data: { status: "SENT", sentAt: now } });
      if (res.count !== 1) continue; // another request took it
      await publishEvent(tx, deps.provider, now, { scope: "bmc", key: c.assetId, data: { kind: "bmc.command", commandId: c.id, status: "SENT" } });
      const firmware = c.action === FIRMWARE_UPDATE_ACTION && c.params ? { firmware: ZFirmwareUpdateParams.parse(JSON.parse(c.params)) } : {};
      out.push({ commandId: c.id, endpointId: c.endpointId, action: c.action as TAgentCommand["action"], requestedAt: c.requestedAt.toISOString(), expiresAt: c.expiresAt.toISOString(), ...firmware });
    }
    if (out.length) await appendAudit(tx, deps.provider, actor, now, { action: "power.sent", entity: "Agent", entityId: agent.id, after: { commands: out.map((c) => c.commandId) } });
  });
  return out;
}

/** Puts commands back in the queue that were taken for a request whose agent went away before the answer. */
export async function releaseCommands(deps: TDeps, agentId: string, commandIds: string[]): Promise<void> {
  if (commandIds.length === 0) return;
  await deps.db.$transaction(async (tx) => {
    const taken = await tx.bmcCommand.findMany({ where: { id: { in: commandIds }, agentId, status: "SENT" }, select: { id: true, assetId: true } });
    const res = await tx.bmcCommand.updateMany({ where: { id: { in: taken.map((c) => c.id) }, status: "SENT" }, data: { status: "QUEUED", sentAt: null } });
    if (res.count > 0) {
      const now = deps.clock.now();
      await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "power.requeue", entity: "Agent", entityId: agentId, after: { commands: commandIds } });
      await publishEvent(tx, deps.provider, now, ...taken.map((c) => ({ scope: "bmc" as const, key: c.assetId, data: { kind: "bmc.command" as const, commandId: c.id, status: "QUEUED" } })));
    }
  });
}

/**
 * Applies a `bmc.command` observation (called inside the observation batch's
 * transaction). Returns the new status, or null when the command is unknown
 * to this agent or already finished.
 */
export async function recordCommandResult(
  tx: Tx,
  provider: TProvider,
  actor: TActor,
  now: Date,
  agentId: string,
  o: Extract<TObservation, { kind: "bmc.command" }>,
  observationId: string,
): Promise<TCommandStatus | null> {
  const c = await tx.bmcCommand.findUnique({ where: { id: o.commandId }, select: { id: true, agentId: true, endpointId: true, assetId: true, action: true, status: true } });
  if (!c || c.agentId !== agentId || c.endpointId !== o.endpointId) return null;
  if (c.status === "DONE" || c.status === "FAILED" || c.status === "CANCELLED") return null;
  const status: TCommandStatus = o.ok ? "DONE" : o.error?.reason === "expired" ? "EXPIRED" : "FAILED";
  const error = o.ok ? null : o.error ? `${o.error.reason}: ${o.error.message}`.slice(0, 500) : "failed";
  await tx.bmcCommand.update({ where: { id: c.id }, data: { status, finishedAt: new Date(o.observedAt), power: o.power ?? null, error, observationId, openSlot: null } });
  if (o.ok && o.power) await tx.bmcEndpoint.update({ where: { id: c.endpointId }, data: { lastPower: o.power, updatedAt: now } });
  await appendAudit(tx, provider, actor, now, {
    action: status === "DONE" ? "power.done" : status === "EXPIRED" ? "power.expired" : "power.failed",
    entity: "BmcCommand",
    entityId: c.id,
    before: { status: c.status },
    after: { status, endpointId: c.endpointId, assetId: c.assetId, action: c.action, power: o.power ?? null, error },
  });
  await publishEvent(tx, provider, now, { scope: "bmc", key: c.assetId, data: { kind: "bmc.command", commandId: c.id, status } });
  return status;
}
