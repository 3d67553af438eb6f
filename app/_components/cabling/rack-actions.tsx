"use client";
/**
 * The technician's side of a rack page: rack a server from the plan (scan the rack label, scan the
 * server, confirm the U), and download a cable's labels (both ends, PDF or ZPL).
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, rpcMutation } from "../rpc-fetch";
import { downloadFile } from "../ui/download";
import { useToast } from "../ui/toast";

export function ConfirmPlacement({ plans }: { plans: { assetTag: string | null; serial: string; rackUnit: number }[] }) {
  const router = useRouter();
  const toast = useToast();
  const [rackCode, setRackCode] = useState("");
  const [assetCode, setAssetCode] = useState("");
  const [unit, setUnit] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const planned = plans.find((p) => [p.assetTag, p.serial].some((c) => c && c.toUpperCase() === assetCode.trim().toUpperCase()));
  return (
    <form
      className="card p-4 space-y-3"
      data-testid="confirm-placement"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await rpcMutation("cabling.confirm", { rackCode, assetCode, rackUnit: Number(unit || planned?.rackUnit) });
          toast.success(`${assetCode} racked at U${unit || planned?.rackUnit}.`);
          setAssetCode("");
          setUnit("");
          router.refresh();
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 className="text-lg font-semibold">Rack a server from the plan</h2>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="block">
          <span className="block text-sm text-slate-700">1. Scan the rack label</span>
          <input className="input text-lg" value={rackCode} onChange={(e) => setRackCode(e.target.value)} autoComplete="off" required data-testid="scan-rack" />
        </label>
        <label className="block">
          <span className="block text-sm text-slate-700">2. Scan the server</span>
          <input className="input text-lg" value={assetCode} onChange={(e) => setAssetCode(e.target.value)} autoComplete="off" required data-testid="scan-asset" />
        </label>
        <label className="block">
          <span className="block text-sm text-slate-700">3. Confirm the U{planned ? ` (planned U${planned.rackUnit})` : ""}</span>
          <input className="input text-lg" type="number" inputMode="numeric" min={1} max={60} value={unit} placeholder={planned ? String(planned.rackUnit) : ""} onChange={(e) => setUnit(e.target.value)} data-testid="confirm-u" />
        </label>
      </div>
      {error && (
        <p role="alert" className="text-red-800" data-testid="placement-error">
          {error}
        </p>
      )}
      <button className="btn btn-primary" disabled={busy || (!unit && !planned)} data-testid="confirm-rack">
        {busy ? "Working…" : "Rack it"}
      </button>
    </form>
  );
}

export function CableLabelButton({ cableId, label }: { cableId: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  return (
    <button
      type="button"
      className="btn btn-secondary"
      disabled={busy}
      data-testid={`labels-${label}`}
      onClick={async () => {
        setBusy(true);
        try {
          downloadFile(await rpcMutation<{ filename: string; contentType: string; base64: string }>("cabling.cableLabels", { id: cableId, format: "pdf", stock: "2x1" }));
        } catch (e) {
          toast.error(errorMessage(e));
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? "Working…" : "Labels"}
    </button>
  );
}
