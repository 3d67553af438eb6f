"use client";
/**
 * Register an asset (warehouse, procurement, admin). Scan-first: the serial
 * field has the focus, Enter moves on, and after a save the form is ready for
 * the next box with model, status, location and vendor kept. A serial that is
 * already registered is an answer with a link, not a crash. What is typed is
 * kept as a draft (ui/draft.ts): a session that ends mid-form comes back to it
 * after sign-in. A save says so at once ("Registering…") and as a toast.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import { INITIAL_STATUSES } from "@/server/domains/assets/schema";
import { STATUS_META } from "@/server/domains/assets/status";
import { ErrorBox, errorDetails, Field, fieldError, OkBox } from "../../../_components/ui/form";
import { useDraft } from "../../../_components/ui/draft";
import { plural } from "../../../_components/ui/format";
import { useToast } from "../../../_components/ui/toast";
import { errorInfo, useTRPC } from "../../../_components/trpc";

type TInitial = (typeof INITIAL_STATUSES)[number];
type TParent = { id: string; serial: string; assetTag: string | null; label: string };
type TDraft = { serial: string; modelId: string; assetTag: string; status: TInitial; locationId: string; rackUnit: string; vendorId: string; notes: string; parentCode: string };

/** "IL-0001 · SN123", or the serial alone when the asset has no tag yet */
const assetLabel = (a: { assetTag: string | null; serial: string }) => (a.assetTag ? `${a.assetTag} · ${a.serial}` : a.serial);

export default function RegisterAssetPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const models = useQuery(trpc.catalog.models.queryOptions());
  const locations = useQuery(trpc.locations.list.queryOptions());
  const vendors = useQuery(trpc.catalog.vendors.queryOptions());
  const serialRef = useRef<HTMLInputElement>(null);

  const [serial, setSerial] = useState("");
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
    setSerial(d.serial ?? "");
    setModelId(d.modelId ?? "");
    setAssetTag(d.assetTag ?? "");
    if (INITIAL_STATUSES.includes(d.status)) setStatus(d.status);
    setLocationId(d.locationId ?? "");
    setRackUnit(d.rackUnit ?? "");
    setVendorId(d.vendorId ?? "");
    setNotes(d.notes ?? "");
    setParentCode(d.parentCode ?? "");
  });

  const create = useMutation(
    trpc.assets.create.mutationOptions({
      onSuccess: async (a) => {
        setSaved({ id: a.id, label: assetLabel(a) });
        toast.success(`Registered ${assetLabel(a)}.`);
        setSerial("");
        setAssetTag("");
        setRackUnit("");
        setNotes("");
        setParent(null);
        setParentCode("");
        await qc.invalidateQueries({ queryKey: trpc.assets.list.queryKey() });
        serialRef.current?.focus();
      },
    }),
  );

  const location = locations.data?.find((l) => l.id === locationId);
  const model = models.data?.find((m) => m.id === modelId);

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

  if (!me.data) return <p className="text-slate-600">Loading…</p>;
  if (!me.data.can.registerAssets) {
    return (
      <div className="card p-6 max-w-xl space-y-2">
        <h1 className="text-2xl font-semibold">Register asset</h1>
        <p>Only warehouse staff, procurement and administrators register assets. <Link className="text-blue-800 underline" href="/assets">Back to the asset list</Link></p>
      </div>
    );
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
            autoFocus
            autoComplete="off"
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
          <select id="reg-model" className="input" value={modelId} onChange={(e) => setModelId(e.target.value)} data-testid="reg-model">
            <option value="">Choose a model…</option>
            {models.data?.map((m) => (
              <option key={m.id} value={m.id}>{m.manufacturer.name} {m.name} ({m.partNumber})</option>
            ))}
          </select>
        </Field>
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
            {locations.data?.map((l) => (
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
            <VendorSelect value={vendorId} onChange={setVendorId} vendors={vendors.data} />
          </Field>
        )}
        {location?.kind === "RACK" && (
          <Field label="Vendor (optional)" error={fe("vendorId")}>
            <VendorSelect value={vendorId} onChange={setVendorId} vendors={vendors.data} />
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

function VendorSelect({ value, onChange, vendors }: { value: string; onChange: (v: string) => void; vendors: { id: string; name: string }[] | undefined }) {
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid="reg-vendor">
      <option value="">No vendor</option>
      {vendors?.map((v) => (
        <option key={v.id} value={v.id}>{v.name}</option>
      ))}
    </select>
  );
}
