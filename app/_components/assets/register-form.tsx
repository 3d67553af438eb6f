"use client";
/**
 * The register form (app/(app)/assets/new/page.tsx renders it with the
 * server's models, places and vendors). Scan-first: the serial field has the
 * focus (or, when the serial came from the scan field, the model), Enter moves
 * on, and after a save the form is ready for the next box with model, status,
 * location and vendor kept. As soon as the serial (and the model) are known it
 * says whether that serial is registered already, for this manufacturer or
 * another; a duplicate that slips through is an answer with a link, not a crash.
 * What is typed is kept as a draft (ui/draft.ts): a session that ends mid-form
 * comes back to it after sign-in. A save says so at once ("Registering…") and
 * as a toast.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { INITIAL_STATUSES, type TAssetSummary } from "@/server/domains/assets/schema";
import { STATUS_META } from "@/server/domains/assets/status";
import { useDraft } from "../ui/draft";
import { ErrorBox, errorDetails, Field, fieldError, OkBox } from "../ui/form";
import { plural } from "../ui/format";
import { useToast } from "../ui/toast";
import { errorInfo, useTRPC } from "../trpc";

type TInitial = (typeof INITIAL_STATUSES)[number];
type TParent = { id: string; serial: string; assetTag: string | null; label: string };
type TDraft = { serial: string; modelId: string; assetTag: string; status: TInitial; locationId: string; rackUnit: string; vendorId: string; notes: string; parentCode: string };

/** "IL-0001 · SN123", or the serial alone when the asset has no tag yet */
const assetLabel = (a: { assetTag: string | null; serial: string }) => (a.assetTag ? `${a.assetTag} · ${a.serial}` : a.serial);
export type TRegisterOptions = {
  models: { id: string; name: string; kind: string; partNumber: string; manufacturer: string }[];
  locations: { id: string; path: string; name: string; kind: string; heightU: number | null }[];
  vendors: { id: string; name: string }[];
};
/** how long the serial must stay unchanged before the form asks whether it is registered */
const CHECK_PAUSE_MS = 250;

export function RegisterForm({ initialSerial, models, locations, vendors }: { initialSerial: string } & TRegisterOptions) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const serialRef = useRef<HTMLInputElement>(null);
  const modelRef = useRef<HTMLSelectElement>(null);

  const [serial, setSerial] = useState(initialSerial);
  const [modelId, setModelId] = useState("");
  const [assetTag, setAssetTag] = useState("");
  const [status, setStatus] = useState<TInitial>("RECEIVED");
  const [locationId, setLocationId] = useState("");
  const [rackUnit, setRackUnit] = useState("");
  const [vendorId, setVendorId] = useState("");
  const [notes, setNotes] = useState("");
  const [parentCode, setParentCode] = useState("");
  const [parent, setParent] = useState<TParent | null>(null);
  const [parentMsg, setParentMsg] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: string; label: string } | null>(null);
  const toast = useToast();

  useDraft<TDraft>("register", { serial, modelId, assetTag, status, locationId, rackUnit, vendorId, notes, parentCode }, (d) => {
    // a serial handed over by the scan field wins over an older draft's
    if (!initialSerial) setSerial(d.serial ?? "");
    setModelId(d.modelId ?? "");
    setAssetTag(d.assetTag ?? "");
    if (INITIAL_STATUSES.includes(d.status)) setStatus(d.status);
    setLocationId(d.locationId ?? "");
    setRackUnit(d.rackUnit ?? "");
    setVendorId(d.vendorId ?? "");
    setNotes(d.notes ?? "");
    setParentCode(d.parentCode ?? "");
  });

  // a serial handed over by the scan field: filled in, and the next thing to choose is the model
  const lastInitial = useRef(initialSerial);
  useEffect(() => {
    if (initialSerial && initialSerial !== lastInitial.current) setSerial(initialSerial);
    lastInitial.current = initialSerial;
    if (initialSerial) (modelId ? serialRef : modelRef).current?.focus();
    else serialRef.current?.focus();
    // only when the handed-over serial changes (not on every model choice)
  }, [initialSerial]);

  // is this serial registered already? asked once the serial has settled, and again for each model
  const [settled, setSettled] = useState(initialSerial.trim());
  useEffect(() => {
    const t = setTimeout(() => setSettled(serial.trim()), CHECK_PAUSE_MS);
    return () => clearTimeout(t);
  }, [serial]);
  const check = useQuery(trpc.assets.checkSerial.queryOptions({ serial: settled, modelId: modelId || undefined }, { enabled: settled.length >= 3 && settled === serial.trim(), staleTime: 5_000, retry: false }));
  const known = settled === serial.trim() && settled.length >= 3 ? check.data : undefined;

  const create = useMutation(
    trpc.assets.create.mutationOptions({
      onSuccess: async (a) => {
        setSaved({ id: a.id, label: a.assetTag ? `${a.assetTag} · serial ${a.serial}` : `serial ${a.serial} (no asset tag)` });
        toast.success(`Registered ${assetLabel(a)}.`);
        setSerial("");
        setAssetTag("");
        setRackUnit("");
        setNotes("");
        setParent(null);
        setParentCode("");
        await qc.invalidateQueries({ queryKey: trpc.assets.checkSerial.queryKey() });
        serialRef.current?.focus();
      },
    }),
  );

  const location = locations.find((l) => l.id === locationId);
  const model = models.find((m) => m.id === modelId);

  async function lookUpParent() {
    const code = parentCode.trim();
    setParent(null);
    setParentMsg(null);
    if (!code) return;
    try {
      const hits = await qc.fetchQuery(trpc.assets.byCode.queryOptions({ code }));
      if (hits.length === 0) setParentMsg(`Nothing matches ${code}. Scan the server's asset tag or serial.`);
      else if (hits.length > 1) setParentMsg(`${code} matches ${plural(hits.length, "asset")}; scan the asset tag instead.`);
      else {
        const h = hits[0]!;
        setParent({ id: h.id, serial: h.serial, assetTag: h.assetTag, label: `${h.model.manufacturer} ${h.model.name} · ${assetLabel(h)}` });
      }
    } catch (e) {
      setParentMsg(errorInfo(e).message);
    }
  }

  const err = create.error;
  const fe = (n: string) => fieldError(err, n);
  const existingId = errorDetails(err)?.existingId;
  const isDuplicate = errorInfo(err).code === "DUPLICATE";

  return (
    <div className="max-w-4xl space-y-4">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Register asset</h1>
        <Link className="btn btn-secondary" href="/assets">Back to assets</Link>
      </div>
      {saved && (
        <OkBox>
          Registered <Link className="font-mono underline" href={`/assets/${saved.id}`} data-testid="registered-link">{saved.label}</Link>. Scan the next serial.
        </OkBox>
      )}
      {err && (
        <ErrorBox>
          <span data-testid="register-error">{errorInfo(err).message}</span>
          {isDuplicate && typeof existingId === "string" && (
            <>
              {" "}
              <Link className="font-semibold underline" href={`/assets/${existingId}`} data-testid="duplicate-link">Open the existing asset</Link>
            </>
          )}
        </ErrorBox>
      )}
      <form
        className="card p-5 grid gap-4 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(null);
          create.mutate({
            serial,
            modelId,
            assetTag: assetTag.trim() || undefined,
            status,
            locationId: locationId || undefined,
            rackUnit: rackUnit ? Number(rackUnit) : undefined,
            parentId: parent?.id,
            vendorId: vendorId || undefined,
            notes: notes.trim() || undefined,
          });
        }}
      >
        <Field label="Serial number" error={fe("serial")} hint="Scan the label or type it">
          <input
            ref={serialRef}
            className="input font-mono text-lg"
            value={serial}
            onChange={(e) => setSerial(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            onKeyDown={(e) => {
              // a scanner ends with Enter: move on instead of submitting half a form
              if (e.key === "Enter" && !modelId) {
                e.preventDefault();
                document.getElementById("reg-model")?.focus();
              }
            }}
            data-testid="reg-serial"
          />
        </Field>
        <Field label="Model" error={fe("modelId")}>
          <select id="reg-model" ref={modelRef} className="input" value={modelId} onChange={(e) => setModelId(e.target.value)} data-testid="reg-model">
            <option value="">Choose a model…</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>{m.manufacturer} {m.name} ({m.partNumber})</option>
            ))}
          </select>
        </Field>
        {known && <SerialNotes check={known} model={model} />}
        <Field label="Asset tag (optional)" error={fe("assetTag")}>
          <input className="input font-mono" value={assetTag} onChange={(e) => setAssetTag(e.target.value)} autoComplete="off" data-testid="reg-tag" />
        </Field>
        <Field label="Initial status" error={fe("status")}>
          <select className="input" value={status} onChange={(e) => setStatus(e.target.value as TInitial)} data-testid="reg-status">
            {INITIAL_STATUSES.map((s) => (
              <option key={s} value={s}>{STATUS_META[s].label}</option>
            ))}
          </select>
        </Field>
        <Field label="Location (optional)" error={fe("locationId")}>
          <select className="input" value={locationId} onChange={(e) => { setLocationId(e.target.value); setRackUnit(""); }} data-testid="reg-location">
            <option value="">Not placed yet</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>{l.path} — {l.name}</option>
            ))}
          </select>
        </Field>
        {location?.kind === "RACK" ? (
          <Field label={`Rack unit (lowest, 1–${location.heightU ?? 42})`} error={fe("rackUnit")}>
            <input className="input" inputMode="numeric" value={rackUnit} onChange={(e) => setRackUnit(e.target.value.replace(/[^0-9]/g, ""))} />
          </Field>
        ) : (
          <Field label="Vendor (optional)" error={fe("vendorId")}>
            <VendorSelect value={vendorId} onChange={setVendorId} vendors={vendors} />
          </Field>
        )}
        {location?.kind === "RACK" && (
          <Field label="Vendor (optional)" error={fe("vendorId")}>
            <VendorSelect value={vendorId} onChange={setVendorId} vendors={vendors} />
          </Field>
        )}
        <Field label="Part of (optional): scan the server's tag or serial" error={fe("parentId") ?? parentMsg ?? undefined} hint={model && !["CPU", "DIMM", "DRIVE", "NIC", "PSU"].includes(model.kind) ? "Only parts (CPU, DIMM, drive, NIC, PSU) go into another asset" : undefined}>
          <div className="flex gap-2">
            <input
              className="input font-mono"
              value={parentCode}
              onChange={(e) => { setParentCode(e.target.value); setParent(null); setParentMsg(null); }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  void lookUpParent();
                }
              }}
              onBlur={() => { if (parentCode.trim() && !parent) void lookUpParent(); }}
              autoComplete="off"
              data-testid="reg-parent"
            />
            <button type="button" className="btn btn-secondary" onClick={() => void lookUpParent()}>Find</button>
          </div>
        </Field>
        <div className="self-center">
          {parent && (
            <p className="rounded-lg bg-slate-100 px-3 py-2" data-testid="reg-parent-found">
              Goes into <span className="font-semibold">{parent.label}</span>{" "}
              <button type="button" className="ml-2 text-blue-800 underline min-h-8" onClick={() => { setParent(null); setParentCode(""); }}>clear</button>
            </p>
          )}
        </div>
        <Field label="Notes (optional)" error={fe("notes")} className="md:col-span-2">
          <textarea className="input py-2 min-h-20" value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
        </Field>
        <div className="md:col-span-2 flex justify-end">
          <button type="submit" className="btn btn-primary min-w-48" disabled={create.isPending} data-testid="reg-submit">{create.isPending ? "Registering…" : "Register asset"}</button>
        </div>
      </form>
    </div>
  );
}

function VendorSelect({ value, onChange, vendors }: { value: string; onChange: (v: string) => void; vendors: { id: string; name: string }[] }) {
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid="reg-vendor">
      <option value="">No vendor</option>
      {vendors.map((v) => (
        <option key={v.id} value={v.id}>{v.name}</option>
      ))}
    </select>
  );
}

/** What the form knows about the serial before it is sent: a duplicate, and the same serial under other manufacturers. */
function SerialNotes({ check, model }: { check: { serial: string; duplicate: TAssetSummary | null; otherManufacturers: TAssetSummary[] }; model: { manufacturer: string } | undefined }) {
  const label = (a: TAssetSummary) => `${a.model.manufacturer} ${a.model.name} · ${a.assetTag ?? "without asset tag"} · ${STATUS_META[a.status].label}`;
  if (!check.duplicate && check.otherManufacturers.length === 0) return null;
  return (
    <div className="space-y-2 md:col-span-2">
      {check.duplicate && (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-red-900" data-testid="reg-duplicate">
          {model?.manufacturer ?? check.duplicate.model.manufacturer} serial <span className="font-mono font-semibold">{check.serial}</span> is already registered: {label(check.duplicate)}.{" "}
          <Link className="font-semibold underline" href={`/assets/${check.duplicate.id}`} prefetch={false}>Open it</Link>
        </p>
      )}
      {check.otherManufacturers.length > 0 && (
        <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950" data-testid="reg-other-manufacturer">
          <p>
            Serial <span className="font-mono font-semibold">{check.serial}</span> is also registered under {check.duplicate || model ? "another manufacturer" : "a manufacturer"}. {model ? "Check that the model is right; the same serial from two manufacturers is allowed but rare." : "Choose the model: under the same manufacturer it would be a duplicate."}
          </p>
          <ul className="mt-1 space-y-1">
            {check.otherManufacturers.map((a) => (
              <li key={a.id}>
                <Link className="underline" href={`/assets/${a.id}`} prefetch={false}>{label(a)}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
