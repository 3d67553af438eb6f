/** Manufacturers, hardware models and vendors. */
import type { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { ZManufacturerCreate, ZModelCreate, ZVendorCreate, type TModelKind } from "./schema";

/** What another domain writes in the same transaction as a new row (procurement: a vendor's contacts, a model's list prices). */
export type TOnCreated<T> = (tx: Tx, row: T) => Promise<void>;

async function created<T extends { id: string }>(deps: TDeps, actor: TActor, entity: string, make: (tx: Tx) => Promise<T>, dupMessage: (fields: string[]) => string, onCreated?: TOnCreated<T>): Promise<T> {
  try {
    return await deps.db.$transaction(async (tx) => {
      const row = await make(tx);
      await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "create", entity, entityId: row.id, after: row });
      if (onCreated) await onCreated(tx, row);
      return row;
    });
  } catch (e) {
    const fields = uniqueViolation(e);
    if (fields) throw new AppError("DUPLICATE", dupMessage(fields));
    throw e;
  }
}

export function createManufacturer(deps: TDeps, actor: TActor, input: z.input<typeof ZManufacturerCreate>) {
  const data = ZManufacturerCreate.parse(input);
  return created(deps, actor, "Manufacturer", (tx) => tx.manufacturer.create({ data }), () => `A manufacturer named "${data.name}" already exists.`);
}

export function listManufacturers(deps: TDeps) {
  return deps.db.manufacturer.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}

export async function createModel(deps: TDeps, actor: TActor, input: z.input<typeof ZModelCreate>, onCreated?: TOnCreated<{ id: string }>) {
  const data = ZModelCreate.parse(input);
  const m = await deps.db.manufacturer.findUnique({ where: { id: data.manufacturerId }, select: { id: true } });
  if (!m) throw new AppError("BAD_REQUEST", "That manufacturer does not exist.", { fields: { manufacturerId: ["Unknown manufacturer"] } });
  return created(deps, actor, "HardwareModel", (tx) => tx.hardwareModel.create({ data: { ...data, interfaceTemplate: data.interfaceTemplate ? JSON.stringify(data.interfaceTemplate) : null } }), () => `This manufacturer already has a model with part number ${data.partNumber}.`, onCreated);
}

const modelSelect = { id: true, name: true, kind: true, partNumber: true, heightU: true, nominalPowerW: true, typicalPowerW: true, manufacturerId: true, manufacturer: { select: { name: true } } } as const;

export function listModels(deps: TDeps, opts: { kind?: TModelKind } = {}) {
  return deps.db.hardwareModel.findMany({ where: { kind: opts.kind }, orderBy: [{ kind: "asc" }, { name: "asc" }], select: modelSelect });
}

/** The models with these ids (unknown ids are left out). */
export function listModelsByIds(deps: TDeps, ids: string[]) {
  return deps.db.hardwareModel.findMany({ where: { id: { in: ids } }, select: modelSelect });
}

export async function getModel(deps: TDeps, id: string) {
  const m = await deps.db.hardwareModel.findUnique({ where: { id }, select: modelSelect });
  if (!m) throw new AppError("NOT_FOUND", `No hardware model with id ${id}.`);
  return { ...m, kind: m.kind as TModelKind };
}

export function createVendor(deps: TDeps, actor: TActor, input: z.input<typeof ZVendorCreate>, onCreated?: TOnCreated<{ id: string }>) {
  const data = ZVendorCreate.parse(input);
  return created(deps, actor, "Vendor", (tx) => tx.vendor.create({ data }), () => `A vendor named "${data.name}" already exists.`, onCreated);
}

const vendorSelect = { id: true, name: true, contactEmail: true, rmaSlaDays: true, leadTimeSlaDays: true, supportResponseHours: true, warrantyYears: true } as const;

export function listVendors(deps: TDeps) {
  return deps.db.vendor.findMany({ orderBy: { name: "asc" }, select: vendorSelect });
}

/** A vendor's own columns changed by the domain that owns them (procurement: SLA terms), in its transaction; it audits. */
export function updateVendorInTx(tx: Tx, id: string, data: Partial<Record<"contactEmail", string | null> & Record<"leadTimeSlaDays" | "rmaSlaDays" | "supportResponseHours" | "warrantyYears", number>>) {
  return tx.vendor.update({ where: { id }, data, select: { id: true } });
}

export async function getVendor(deps: TDeps, id: string) {
  const v = await deps.db.vendor.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!v) throw new AppError("NOT_FOUND", `No vendor with id ${id}.`);
  return v;
}
