/** Sites → rooms → racks, and warehouse bins: one tree of locations. */
import type { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { appendAudit } from "../audit/service";
import { PARENT_KINDS, ZLocationCreate, type TLocationKind } from "./schema";

const select = { id: true, kind: true, code: true, name: true, path: true, parentId: true, siteId: true, heightU: true, powerBudgetW: true, maxWeightKg: true } as const;

export async function createLocation(deps: TDeps, actor: TActor, input: z.input<typeof ZLocationCreate>) {
  const data = ZLocationCreate.parse(input);
  const parent = data.parentId ? await deps.db.location.findUnique({ where: { id: data.parentId }, select }) : null;
  if (data.parentId && !parent) throw new AppError("BAD_REQUEST", "The parent location does not exist.", { fields: { parentId: ["Unknown location"] } });
  const parentKind = (parent?.kind as TLocationKind | undefined) ?? null;
  if (!PARENT_KINDS[data.kind].includes(parentKind)) {
    throw new AppError("BAD_REQUEST", `A ${data.kind.toLowerCase()} cannot be placed in a ${parentKind?.toLowerCase() ?? "top level"}.`, { fields: { parentId: [`Choose a ${PARENT_KINDS[data.kind].join(" or ").toLowerCase()}`] } });
  }
  try {
    return await deps.db.$transaction(async (tx) => {
      // SQLite and PostgreSQL treat NULL parents as distinct in unique indexes: check sites by hand
      if (!parent && (await tx.location.findFirst({ where: { parentId: null, code: data.code }, select: { id: true } }))) {
        throw new AppError("DUPLICATE", `A site with code ${data.code} already exists.`);
      }
      const row = await tx.location.create({
        data: {
          kind: data.kind,
          code: data.code,
          name: data.name,
          parentId: parent?.id ?? null,
          siteId: parent ? (parent.siteId ?? parent.id) : null,
          path: parent ? `${parent.path} / ${data.code}` : data.code,
          heightU: data.heightU ?? null,
          powerBudgetW: data.powerBudgetW ?? null,
          maxWeightKg: data.maxWeightKg ?? null,
        },
        select,
      });
      await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "create", entity: "Location", entityId: row.id, after: row });
      return row;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `${parent?.path ?? "This site"} already has a location with code ${data.code}.`);
    throw e;
  }
}

export function listLocations(deps: TDeps, opts: { kind?: TLocationKind; siteId?: string; parentId?: string } = {}) {
  return deps.db.location.findMany({ where: { kind: opts.kind, siteId: opts.siteId, parentId: opts.parentId }, orderBy: { path: "asc" }, select, take: 5000 });
}

export async function getLocation(deps: TDeps, id: string) {
  const l = await deps.db.location.findUnique({ where: { id }, select });
  if (!l) throw new AppError("NOT_FOUND", `No location with id ${id}.`);
  return { ...l, kind: l.kind as TLocationKind };
}

/** A location by its label's scan key ("FRA1/HALL-A/R01": the path without spaces), or by id; null when there is none. */
export async function findLocationByKey(deps: TDeps, code: string) {
  const key = code.trim();
  const l = await deps.db.location.findFirst({ where: { OR: [{ id: key }, { path: key.split("/").map((p) => p.trim()).join(" / ") }] }, select });
  return l ? { ...l, kind: l.kind as TLocationKind } : null;
}

/** Locations by id (unknown ids are left out). */
export function locationsByIds(deps: TDeps, ids: string[]) {
  return deps.db.location.findMany({ where: { id: { in: ids } }, select });
}

/** Sets a rack's power budget and weight limit (racking), audited. */
export async function updateRackLimits(deps: TDeps, actor: TActor, input: { id: string; powerBudgetW: number | null; maxWeightKg: number | null }) {
  const before = await getLocation(deps, input.id);
  if (before.kind !== "RACK") throw new AppError("BAD_REQUEST", `${before.path} is not a rack; only racks have a power budget.`);
  return deps.db.$transaction(async (tx) => {
    const row = await tx.location.update({ where: { id: input.id }, data: { powerBudgetW: input.powerBudgetW, maxWeightKg: input.maxWeightKg }, select });
    await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "update", entity: "Location", entityId: input.id, before: { powerBudgetW: before.powerBudgetW, maxWeightKg: before.maxWeightKg }, after: { powerBudgetW: row.powerBudgetW, maxWeightKg: row.maxWeightKg } });
    return row;
  });
}
