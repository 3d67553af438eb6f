/**
 * Hardware bill of materials: CycloneDX 1.6 JSON for an asset, a rack, a purchase order or the fleet.
 * Each asset is a `device` component (manufacturer, model, part number, serial, asset tag) holding its
 * parts as the latest probe saw them (`device`, with serial and slot) and the firmware each component
 * runs (`firmware`, the version as observed with its observation times). Observed state only: nothing
 * here is desired or guessed.
 *
 * Built with @cyclonedx/cyclonedx-library (models and the 1.6 normaliser); the components are normalised
 * one asset at a time and joined, so a 10,000-asset fleet never holds one library Bom of 100k+ models.
 */
import { randomUUID } from "node:crypto";
import { Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import { AppError } from "../../errors";
import type { TDeps } from "../../context";
import { assetsForBom, type TAssetBomRow } from "../assets/service";
import { latestProbes } from "../bmc/service";
import { getLocation } from "../locations/service";
import { purchaseOrderAssetIds } from "../procurement/service";
import type { ZHbomQuery } from "./schema";
import type { z } from "zod";

export const HBOM_CONTENT_TYPE = "application/vnd.cyclonedx+json";
const CHUNK = 500;
const P = "ironledger:";

const factory = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6);
const normaliseComponent = factory.makeForComponent();

type TFw = { component: string; version: string; source: string; firstSeenAt: Date; lastSeenAt: Date };
type TProbe = Awaited<ReturnType<typeof latestProbes>> extends Map<string, infer V> ? V : never;

const prop = (name: string, value: string | number | null | undefined) => (value === null || value === undefined || value === "" ? null : new Models.Property(P + name, String(value)));
function addProps(c: Models.Component, props: (Models.Property | null)[]) {
  for (const p of props) if (p) c.properties.add(p);
}

/** The library's models have no `manufacturer` (CycloneDX 1.6 has): kept by bom-ref and written into the normalised JSON. */
type TMakers = Map<string, string>;

function deviceOf(a: TAssetBomRow, fw: TFw[], probe: TProbe | undefined, makers: TMakers): Models.Component {
  const ref = `asset:${a.id}`;
  const dev = new Models.Component(Enums.ComponentType.Device, a.model.name, { bomRef: ref, description: `${a.model.manufacturer} ${a.model.name}, serial ${a.serial}` });
  makers.set(ref, a.model.manufacturer);
  addProps(dev, [prop("assetId", a.id), prop("serialNumber", a.serial), prop("partNumber", a.model.partNumber), prop("assetTag", a.assetTag), prop("kind", a.model.kind), prop("status", a.status), prop("rackUnit", a.rackUnit)]);
  for (const f of fw) {
    const c = new Models.Component(Enums.ComponentType.Firmware, f.component, { bomRef: `${ref}:firmware:${f.component}`, version: f.version });
    addProps(c, [prop("observedAt", f.lastSeenAt.toISOString()), prop("firstSeenAt", f.firstSeenAt.toISOString()), prop("source", f.source)]);
    dev.components.add(c);
  }
  if (probe) {
    (probe.result.components ?? []).forEach((p, i) => {
      const d = (p.detail ?? {}) as Record<string, unknown>;
      const c = new Models.Component(Enums.ComponentType.Device, p.model ?? p.kind, { bomRef: `${ref}:part:${i}`, description: `${p.kind} in ${p.slot}` });
      if (typeof d.manufacturer === "string" && d.manufacturer.trim()) makers.set(`${ref}:part:${i}`, d.manufacturer.trim());
      addProps(c, [prop("kind", p.kind), prop("slot", p.slot), prop("serialNumber", p.serial), prop("partNumber", p.model), prop("observedAt", probe.observedAt.toISOString())]);
      if (typeof d.firmware === "string" && d.firmware.trim()) {
        const f = new Models.Component(Enums.ComponentType.Firmware, `${p.model ?? p.kind} firmware`, { bomRef: `${ref}:part:${i}:firmware`, version: d.firmware.trim() });
        addProps(f, [prop("observedAt", probe.observedAt.toISOString()), prop("source", "probe.component")]);
        c.components.add(f);
      }
      dev.components.add(c);
    });
  }
  return dev;
}

/** The BOM document for these assets, as JSON text (CycloneDX 1.6). */
export async function buildHbom(deps: TDeps, assets: TAssetBomRow[], subject: { name: string; kind: string }): Promise<string> {
  const head = new Models.Bom();
  head.serialNumber = `urn:uuid:${randomUUID()}`;
  head.metadata.timestamp = deps.clock.now();
  head.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, "IronLedger", { bomRef: "tool:ironledger" }));
  head.metadata.component = new Models.Component(kindType(subject.kind), subject.name, { bomRef: `subject:${subject.kind}` });
  head.metadata.properties.add(new Models.Property(`${P}scope`, subject.kind));
  head.metadata.properties.add(new Models.Property(`${P}assets`, String(assets.length)));
  const doc = factory.makeForBom().normalize(head, {}) as unknown as Record<string, unknown>;
  delete doc.components;
  const parts: string[] = [];
  for (let i = 0; i < assets.length; i += CHUNK) {
    const slice = assets.slice(i, i + CHUNK);
    const ids = slice.map((a) => a.id);
    const [fwRows, probes] = await Promise.all([
      deps.db.firmwareObserved.findMany({ where: { assetId: { in: ids } }, orderBy: [{ assetId: "asc" }, { component: "asc" }], select: { assetId: true, component: true, version: true, source: true, firstSeenAt: true, lastSeenAt: true } }),
      latestProbes(deps.db, ids),
    ]);
    const fw = new Map<string, TFw[]>();
    for (const r of fwRows) (fw.get(r.assetId) ?? fw.set(r.assetId, []).get(r.assetId)!).push(r);
    for (const a of slice) {
      const makers: TMakers = new Map();
      const json = normaliseComponent.normalize(deviceOf(a, fw.get(a.id) ?? [], probes.get(a.id), makers), {}) as unknown as TJsonComponent;
      setMakers(json, makers);
      parts.push(JSON.stringify(json));
    }
  }
  const text = JSON.stringify(doc);
  return `${text.slice(0, -1)},"components":[${parts.join(",")}]}`;
}

type TJsonComponent = { "bom-ref"?: string; manufacturer?: { name: string }; components?: TJsonComponent[] };
function setMakers(c: TJsonComponent, makers: TMakers) {
  const m = c["bom-ref"] ? makers.get(c["bom-ref"]) : undefined;
  if (m) c.manufacturer = { name: m };
  for (const x of c.components ?? []) setMakers(x, makers);
}

function kindType(kind: string) {
  return kind === "asset" || kind === "rack" ? Enums.ComponentType.Device : Enums.ComponentType.Data;
}

/** An HBOM for one asset, a rack (the assets in it), a purchase order (what it bought) or the fleet (every asset not disposed): a file answer. */
export async function hbomFor(deps: TDeps, q: z.output<typeof ZHbomQuery>): Promise<{ filename: string; contentType: typeof HBOM_CONTENT_TYPE; base64: string }> {
  let assets: TAssetBomRow[];
  let subject: { name: string; kind: string };
  if (q.assetId) {
    assets = await assetsForBom(deps.db, { ids: [q.assetId] });
    if (!assets.length) throw new AppError("NOT_FOUND", `No asset with id ${q.assetId}.`);
    subject = { name: `${assets[0]!.model.manufacturer} ${assets[0]!.model.name} ${assets[0]!.serial}`, kind: "asset" };
  } else if (q.rackId) {
    const loc = await getLocation(deps, q.rackId);
    if (loc.kind !== "RACK") throw new AppError("BAD_REQUEST", `${loc.name} is a ${loc.kind.toLowerCase()}, not a rack: give a rack's id.`, { fields: { rackId: ["Not a rack"] } });
    assets = await assetsForBom(deps.db, { locationId: q.rackId });
    subject = { name: `Rack ${loc.name}`, kind: "rack" };
  } else if (q.poId) {
    const po = await purchaseOrderAssetIds(deps, q.poId);
    assets = await assetsForBom(deps.db, { ids: po.assetIds });
    subject = { name: `Purchase order ${po.number}`, kind: "po" };
  } else if (q.fleet) {
    assets = await assetsForBom(deps.db, { all: true });
    subject = { name: "Fleet", kind: "fleet" };
  } else throw new AppError("BAD_REQUEST", "Say what the BOM is for: assetId, rackId, poId or fleet=1.");
  const text = await buildHbom(deps, assets, subject);
  const slug = subject.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-|-$/g, "").slice(0, 80) || "hbom";
  return { filename: `hbom-${slug}.cdx.json`, contentType: HBOM_CONTENT_TYPE, base64: Buffer.from(text).toString("base64") };
}
