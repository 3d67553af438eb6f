"use client";
/**
 * RMA and disposal forms (warehouse tablet): open a case, move it along (submit, approve, ship …), scan
 * the replacement, record/import sanitisation evidence, run a disposal batch (manifest, hand-off,
 * certificate upload, close). After a save the Server Component page is refreshed.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox, Field, fieldError, OkBox } from "../ui/form";
import { downloadFile } from "../ui/download";
import { useTRPC } from "../trpc";

const ACTION_LABEL: Record<string, string> = { submit: "Submit to vendor", approve: "Approve", reject: "Rejected by vendor", ship: "Ship", close: "Close", cancel: "Cancel case" };

export function OpenCaseForm({ assets }: { assets: { id: string; label: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [assetId, setAssetId] = useState(assets[0]?.id ?? "");
  const [reason, setReason] = useState("");
  const [keepDrive, setKeepDrive] = useState(false);
  const [mode, setMode] = useState<"RETURN_FIRST" | "ADVANCE">("RETURN_FIRST");
  const open = useMutation(trpc.rma.open.mutationOptions({ onSuccess: (c) => router.push(`/rma/${c.id}`) }));
  if (!assets.length) return <p className="card p-4 text-sm">No failed assets to open an RMA for.</p>;
  return (
    <form className="card p-4 space-y-3" data-testid="rma-open" onSubmit={(e) => (e.preventDefault(), open.mutate({ assetId, reason: reason || undefined, keepDrive, mode }))}>
      <h2 className="text-lg font-semibold">Open an RMA</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Failed asset" error={fieldError(open.error, "assetId")}>
          <select className="input" value={assetId} onChange={(e) => setAssetId(e.target.value)} data-testid="rma-asset">
            {assets.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Fault" hint="a failed burn-in fills this in" error={fieldError(open.error, "reason")}>
          <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="rma-reason" />
        </Field>
        <Field label="Replacement">
          <select className="input" value={mode} onChange={(e) => setMode(e.target.value as "RETURN_FIRST" | "ADVANCE")}>
            <option value="RETURN_FIRST">Return first</option>
            <option value="ADVANCE">Advance replacement</option>
          </select>
        </Field>
        <label className="flex items-center gap-2 min-h-11">
          <input type="checkbox" className="h-5 w-5" checked={keepDrive} onChange={(e) => setKeepDrive(e.target.checked)} /> Keep your drive (drives go to destruction)
        </label>
      </div>
      {open.error && <ErrorBox error={open.error} />}
      <button className="btn btn-primary min-h-11" disabled={open.isPending} data-testid="rma-open-submit">
        {open.isPending ? "Opening…" : "Open RMA"}
      </button>
    </form>
  );
}

export function CaseActions({ id, version, actions, canReceive }: { id: string; version: number; actions: string[]; canReceive: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [f, setF] = useState({ vendorRmaNumber: "", carrier: "", trackingNumber: "", note: "", outcome: "" });
  const [serial, setSerial] = useState("");
  const [ok, setOk] = useState<string | null>(null);
  const move = useMutation(trpc.rma.transition.mutationOptions({ onSuccess: (c) => (setOk(`Now ${c.status.toLowerCase().replace("_", " ")}.`), router.refresh()) }));
  const receive = useMutation(trpc.rma.receive.mutationOptions({ onSuccess: (c) => (setOk(`Replacement ${c.replacementSerial} received in the failed unit's place.`), setSerial(""), router.refresh()) }));
  const busy = move.isPending || receive.isPending;
  const input = (k: keyof typeof f, label: string) => (
    <Field label={label} error={fieldError(move.error, k)}>
      <input className="input" value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} data-testid={`rma-${k}`} />
    </Field>
  );
  return (
    <section className="card p-4 space-y-3" data-testid="rma-actions">
      <h2 className="text-lg font-semibold">Next step</h2>
      {actions.includes("approve") && input("vendorRmaNumber", "Vendor RMA number")}
      {actions.includes("ship") && (
        <div className="grid gap-3 md:grid-cols-2">
          {input("carrier", "Carrier")}
          {input("trackingNumber", "Tracking number")}
        </div>
      )}
      {(actions.includes("reject") || actions.includes("cancel")) && input("note", "Note (why rejected / cancelled)")}
      {actions.includes("close") && input("outcome", "Outcome")}
      <div className="flex flex-wrap gap-2">
        {actions.map((a) => (
          <button key={a} type="button" className={`btn min-h-11 ${a === "cancel" || a === "reject" ? "btn-secondary" : "btn-primary"}`} disabled={busy} data-testid={`rma-action-${a}`} onClick={() => (setOk(null), move.mutate({ id, action: a as "submit", expectedVersion: version, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)) }))}>
            {ACTION_LABEL[a] ?? a}
          </button>
        ))}
      </div>
      {canReceive && (
        <form className="space-y-2" onSubmit={(e) => (e.preventDefault(), setOk(null), receive.mutate({ id, serial }))}>
          <Field label="Scan the replacement's serial" error={fieldError(receive.error, "serial")}>
            <input className="input font-mono" value={serial} onChange={(e) => setSerial(e.target.value)} autoComplete="off" data-testid="rma-replacement-serial" />
          </Field>
          <button className="btn btn-primary min-h-11" disabled={busy || !serial} data-testid="rma-receive">
            {receive.isPending ? "Receiving…" : "Receive replacement"}
          </button>
        </form>
      )}
      {(move.error || receive.error) && <ErrorBox error={move.error ?? receive.error} />}
      {ok && <OkBox>{ok}</OkBox>}
    </section>
  );
}

export function ExportButtons({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="flex gap-2">
      {(["pdf", "csv"] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="btn btn-secondary min-h-11"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              downloadFile(await qc.fetchQuery(trpc.rma.export.queryOptions({ id, format }, { staleTime: 0 })));
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          RMA request ({format.toUpperCase()})
        </button>
      ))}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}

export function EvidenceImport() {
  const trpc = useTRPC();
  const router = useRouter();
  const [content, setContent] = useState("");
  const [format, setFormat] = useState<"csv" | "json">("csv");
  const imp = useMutation(trpc.rma.importEvidence.mutationOptions({ onSuccess: () => router.refresh() }));
  const problems = (imp.error as { data?: { details?: { problems?: { line: number; message: string }[] } } } | null)?.data?.details?.problems;
  return (
    <form className="card p-4 space-y-3" data-testid="evidence-import" onSubmit={(e) => (e.preventDefault(), imp.mutate({ format, content }))}>
      <h2 className="text-lg font-semibold">Import an erasure report</h2>
      <Field label="Format">
        <select className="input" value={format} onChange={(e) => setFormat(e.target.value as "csv" | "json")}>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
      </Field>
      <Field label="Report" hint="serial, host, method, technique, tool, toolVersion, verification, operator, performedAt">
        <textarea className="input font-mono h-32" value={content} onChange={(e) => setContent(e.target.value)} data-testid="evidence-content" />
      </Field>
      {imp.error && <ErrorBox error={imp.error} />}
      {problems && (
        <ul className="text-sm text-red-800" data-testid="evidence-problems">
          {problems.map((p, i) => (
            <li key={i}>
              Line {p.line}: {p.message}
            </li>
          ))}
        </ul>
      )}
      {imp.data && <OkBox>Imported {imp.data.imported} record(s) for {imp.data.hosts} asset(s).</OkBox>}
      <button className="btn btn-primary min-h-11" disabled={imp.isPending || !content} data-testid="evidence-submit">
        {imp.isPending ? "Importing…" : "Import"}
      </button>
    </form>
  );
}

export function SanitiseForm({ assets }: { assets: { id: string; label: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [assetId, setAssetId] = useState(assets[0]?.id ?? "");
  const go = useMutation(trpc.rma.sanitise.mutationOptions({ onSuccess: () => router.refresh() }));
  if (!assets.length) return <p className="card p-4 text-sm">No asset is being decommissioned.</p>;
  return (
    <form className="card p-4 space-y-3" data-testid="sanitise" onSubmit={(e) => (e.preventDefault(), go.mutate({ assetId }))}>
      <h2 className="text-lg font-semibold">Mark sanitised</h2>
      <Field label="Decommissioning asset">
        <select className="input" value={assetId} onChange={(e) => setAssetId(e.target.value)} data-testid="sanitise-asset">
          {assets.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
      </Field>
      {go.error && <ErrorBox error={go.error} />}
      {go.data && <OkBox>{go.data.serial} is sanitised.</OkBox>}
      <button className="btn btn-primary min-h-11" disabled={go.isPending} data-testid="sanitise-submit">
        {go.isPending ? "Checking…" : "Sanitised (needs evidence per drive)"}
      </button>
    </form>
  );
}

export function CreateBatchForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [recycler, setRecycler] = useState("");
  const [certification, setCertification] = useState("R2v3");
  const create = useMutation(trpc.rma.createBatch.mutationOptions({ onSuccess: (b) => router.push(`/rma/disposal/${b.id}`) }));
  return (
    <form className="card p-4 space-y-3" data-testid="batch-create" onSubmit={(e) => (e.preventDefault(), create.mutate({ recycler, certification }))}>
      <h2 className="text-lg font-semibold">New disposal batch</h2>
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Recycler" error={fieldError(create.error, "recycler")}>
          <input className="input" value={recycler} onChange={(e) => setRecycler(e.target.value)} data-testid="batch-recycler" />
        </Field>
        <Field label="Certification" error={fieldError(create.error, "certification")}>
          <input className="input" value={certification} onChange={(e) => setCertification(e.target.value)} />
        </Field>
      </div>
      {create.error && <ErrorBox error={create.error} />}
      <button className="btn btn-primary min-h-11" disabled={create.isPending} data-testid="batch-create-submit">
        Start batch
      </button>
    </form>
  );
}

export function BatchActions({ id, open }: { id: string; open: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const done = { onSuccess: () => router.refresh() };
  const [code, setCode] = useState("");
  const [weight, setWeight] = useState("");
  const [seal, setSeal] = useState("");
  const [h, setH] = useState({ fromParty: "", toParty: "", signature: "" });
  const add = useMutation(trpc.rma.addAssets.mutationOptions(done));
  const hand = useMutation(trpc.rma.handoff.mutationOptions(done));
  const cert = useMutation(trpc.rma.attachCertificate.mutationOptions(done));
  const close = useMutation(trpc.rma.closeBatch.mutationOptions(done));
  const error = add.error ?? hand.error ?? cert.error ?? close.error;
  const [busyFile, setBusyFile] = useState(false);
  const download = async (which: "certificate" | "sanitisationReport") => {
    setBusyFile(true);
    try {
      downloadFile(await qc.fetchQuery(which === "certificate" ? trpc.rma.certificate.queryOptions({ id }, { staleTime: 0 }) : trpc.rma.sanitisationReport.queryOptions({ id }, { staleTime: 0 })));
    } finally {
      setBusyFile(false);
    }
  };
  return (
    <section className="card p-4 space-y-4" data-testid="batch-actions">
      {open && (
        <>
          <form className="grid gap-3 md:grid-cols-4 items-end" onSubmit={(e) => (e.preventDefault(), add.mutate({ id, items: [{ code, weightKg: weight ? Number(weight) : undefined, sealNumber: seal || undefined }] }))}>
            <Field label="Scan a sanitised asset">
              <input className="input font-mono" value={code} onChange={(e) => setCode(e.target.value)} data-testid="batch-code" />
            </Field>
            <Field label="Weight (kg)">
              <input className="input" inputMode="decimal" value={weight} onChange={(e) => setWeight(e.target.value)} />
            </Field>
            <Field label="Seal number">
              <input className="input" value={seal} onChange={(e) => setSeal(e.target.value)} data-testid="batch-seal" />
            </Field>
            <button className="btn btn-primary min-h-11" disabled={add.isPending || !code} data-testid="batch-add">
              Add to manifest
            </button>
          </form>
          <form className="grid gap-3 md:grid-cols-4 items-end" onSubmit={(e) => (e.preventDefault(), hand.mutate({ id, ...h }))}>
            <Field label="Handed over by">
              <input className="input" value={h.fromParty} onChange={(e) => setH({ ...h, fromParty: e.target.value })} data-testid="handoff-from" />
            </Field>
            <Field label="Taken by">
              <input className="input" value={h.toParty} onChange={(e) => setH({ ...h, toParty: e.target.value })} data-testid="handoff-to" />
            </Field>
            <Field label="Signature (full name)">
              <input className="input" value={h.signature} onChange={(e) => setH({ ...h, signature: e.target.value })} data-testid="handoff-signature" />
            </Field>
            <button className="btn btn-primary min-h-11" disabled={hand.isPending} data-testid="handoff-add">
              Record hand-off
            </button>
          </form>
          <Field label="Recycler's certificate (PDF)">
            <input
              type="file"
              accept="application/pdf"
              className="input min-h-11"
              data-testid="certificate-file"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                const bytes = new Uint8Array(await file.arrayBuffer());
                let bin = "";
                for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
                cert.mutate({ id, filename: file.name, contentBase64: btoa(bin) });
              }}
            />
          </Field>
          <button type="button" className="btn btn-primary min-h-11" disabled={close.isPending} data-testid="batch-close" onClick={() => close.mutate({ id })}>
            {close.isPending ? "Closing…" : "Close batch (assets → Disposed)"}
          </button>
        </>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn btn-secondary min-h-11" disabled={busyFile} onClick={() => download("sanitisationReport")}>
          Certificate of sanitisation (PDF)
        </button>
        <button type="button" className="btn btn-secondary min-h-11" disabled={busyFile} onClick={() => download("certificate")}>
          Recycler&apos;s certificate
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </section>
  );
}
