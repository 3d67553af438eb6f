"use client";
/**
 * On the asset page: the security posture (policy against the latest probe, the reasons, any admin
 * waiver) and the hardware BOM download (CycloneDX 1.6 JSON). Plain fetch: the page has no react-query.
 */
import { useState } from "react";
import type { TAssetPosture } from "@/server/domains/firmware/schema";
import { errorMessage, rpcQuery } from "../rpc-fetch";
import { downloadFile } from "../ui/download";

const STATE: Record<TAssetPosture["state"], { label: string; cls: string }> = {
  COMPLIANT: { label: "Posture compliant", cls: "bg-green-100 text-green-900" },
  NON_COMPLIANT: { label: "Posture not compliant", cls: "bg-red-100 text-red-900" },
  UNKNOWN: { label: "Posture unknown", cls: "bg-amber-100 text-amber-900" },
  NO_POLICY: { label: "No posture policy", cls: "bg-slate-100 text-slate-800" },
};

export function AssetPosture({ assetId, posture }: { assetId: string; posture: TAssetPosture | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      downloadFile(await rpcQuery<{ filename: string; contentType: string; base64: string }>("firmware.assetHbom", { assetId }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const s = posture ? STATE[posture.state] : null;
  return (
    <section className="card p-5 space-y-3 lg:col-span-2" aria-labelledby="posture-h">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="posture-h" className="text-lg font-semibold mr-auto">Security posture</h2>
        {s && <span data-testid="posture-badge" className={`rounded px-2 py-1 text-sm font-medium ${s.cls}`}>{s.label}</span>}
        <button type="button" className="btn btn-secondary min-h-11" onClick={download} disabled={busy} data-testid="hbom-download">
          {busy ? "Preparing…" : "Download hardware BOM"}
        </button>
      </div>
      {error && <p role="alert" className="text-red-800">{error}</p>}
      {posture && posture.reasons.length > 0 && (
        <ul className="list-disc pl-5 text-base" data-testid="posture-reasons">
          {posture.reasons.map((r) => (
            <li key={r.rule}>{r.message}</li>
          ))}
        </ul>
      )}
      {posture?.waiver && <p className="text-sm text-slate-700">Waived for SAT by {posture.waiver.createdBy}: “{posture.waiver.reason}”</p>}
      {posture?.observed && <p className="text-sm text-slate-600">Observed {posture.observed.observedAt.toLocaleString()}{posture.policyRevision ? ` · policy revision ${posture.policyRevision}` : ""}</p>}
    </section>
  );
}
