"use client";
/** Starting a receipt: scan the PO or ASN barcode (a wedge scanner types it and Enter) or choose the PO, at a receiving bin. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage, rpcMutation } from "../../../../_components/rpc-fetch";

type TPo = { id: string; number: string; vendorName: string; status: string; ordered: number; received: number };

export function StartReceipt({ pos, bins, defaultBinId }: { pos: TPo[]; bins: { id: string; path: string }[]; defaultBinId: string | null }) {
  const router = useRouter();
  const [binId, setBinId] = useState(defaultBinId ?? bins[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async (input: { poId?: string; code?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await rpcMutation<{ id: string }>("receiving.start", { ...input, ...(binId ? { binId } : {}) });
      router.push(`/warehouse/receiving/${r.id}`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="card p-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col">
          <span className="text-sm text-slate-600">Receiving bin</span>
          <select className="border rounded-lg px-3 min-h-12" value={binId} onChange={(e) => setBinId(e.target.value)} data-testid="receiving-bin">
            {bins.length === 0 && <option value="">No bins yet: add one under Setup</option>}
            {bins.map((b) => (
              <option key={b.id} value={b.id}>
                {b.path}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col flex-1 min-w-64">
          <span className="text-sm text-slate-600">Scan the PO or ASN barcode</span>
          <input
            className="border-2 border-slate-400 rounded-lg px-3 min-h-12 text-xl font-mono"
            data-testid="receiving-po-scan"
            autoFocus
            autoComplete="off"
            placeholder="PO-000123"
            onKeyDown={(e) => {
              if (e.key !== "Enter") return;
              e.preventDefault();
              const code = e.currentTarget.value.trim();
              if (code) void start({ code });
            }}
          />
        </label>
      </div>
      {error && (
        <p className="rounded-lg bg-red-100 text-red-900 px-3 py-2" role="alert" data-testid="receiving-start-error">
          {error}
        </p>
      )}
      <section className="card p-3">
        <h2 className="font-semibold mb-2">Or choose the purchase order</h2>
        {pos.length === 0 ? (
          <p className="text-slate-600">No purchase order is waiting for goods.</p>
        ) : (
          <ul className="grid grid-cols-2 gap-2" data-testid="receivable-pos">
            {pos.map((p) => (
              <li key={p.id}>
                <button type="button" disabled={busy} className="w-full text-left rounded-lg border border-slate-300 px-3 min-h-14 flex items-center gap-3 hover:bg-slate-50" onClick={() => void start({ poId: p.id })} data-testid={`receive-${p.number}`}>
                  <span className="font-medium">{p.number}</span>
                  <span className="flex-1 truncate">{p.vendorName}</span>
                  <span className="font-mono">
                    {p.received}/{p.ordered}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
