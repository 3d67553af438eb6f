"use client";
/** Bins and moves: scan a bin's label, then scan assets to move them there; the bin's contents; transfers between sites. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox, OkBox } from "../../../_components/ui/form";
import { errorInfo, useTRPC } from "../../../_components/trpc";
import { beep, ScanInput } from "../_parts/scan-input";

type TLine = { code: string; ok: boolean; message: string };

export default function MovesPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [binCode, setBinCode] = useState<string | null>(null);
  const [log, setLog] = useState<TLine[]>([]);
  const bin = useQuery({ ...trpc.warehouse.binContents.queryOptions({ code: binCode ?? "" }), enabled: !!binCode, retry: false });
  const move = useMutation(trpc.warehouse.move.mutationOptions());
  const push = (l: TLine) => {
    beep(l.ok);
    setLog((x) => [l, ...x].slice(0, 50));
  };
  const onAsset = async (code: string) => {
    if (!bin.data) return;
    try {
      const r = await move.mutateAsync({ locationId: bin.data.location.id, codes: [code] });
      const line = r.lines[0]!;
      push({ code, ok: line.outcome === "moved" || line.outcome === "already_there", message: line.message });
      await qc.invalidateQueries({ queryKey: trpc.warehouse.binContents.queryKey() });
    } catch (e) {
      push({ code, ok: false, message: errorInfo(e).message });
    }
  };
  return (
    <div className="space-y-4 max-w-3xl">
      <h1 className="text-2xl font-semibold">Bins & moves</h1>
      {!bin.data ? (
        <ScanInput label="1. Scan the bin (or rack) label" placeholder="FRA1/B-01" testId="scan-bin" onScan={(c) => setBinCode(c)} />
      ) : (
        <div className="rounded-xl bg-sky-50 border border-sky-200 p-3 flex items-center gap-3">
          <span className="text-lg">Moving into <b data-testid="current-bin">{bin.data.location.path}</b></span>
          <button type="button" className="btn btn-secondary ml-auto min-h-11" onClick={() => { setBinCode(null); setLog([]); }}>Another bin</button>
        </div>
      )}
      {bin.error && <ErrorBox error={bin.error} />}
      {bin.data && <ScanInput label="2. Scan assets (tag, serial or RFID EPC)" testId="scan-asset" onScan={(c) => void onAsset(c)} />}
      <ul className="space-y-1" data-testid="move-log">
        {log.map((l, i) => (
          <li key={i} className={`rounded-lg px-3 py-2 ${l.ok ? "bg-green-100 text-green-900" : "bg-red-100 text-red-900"}`} data-testid={l.ok ? "move-ok" : "move-bad"}>
            <span className="font-mono">{l.code}</span> — {l.message}
          </li>
        ))}
      </ul>
      {bin.data && (
        <section>
          <h2 className="text-lg font-semibold">In {bin.data.location.path} ({bin.data.assets.length}{bin.data.truncated ? "+" : ""})</h2>
          <table className="w-full text-left" data-testid="bin-contents">
            <thead><tr className="border-b"><th className="py-2">Tag</th><th>Serial</th><th>Model</th><th>Status</th></tr></thead>
            <tbody>
              {bin.data.assets.map((a) => (
                <tr key={a.id} className="border-b"><td className="py-2 font-mono">{a.assetTag ?? "—"}</td><td className="font-mono">{a.serial}</td><td>{a.model}</td><td>{a.status}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <Transfers />
    </div>
  );
}

function Transfers() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const sites = useQuery(trpc.locations.list.queryOptions({ kind: "SITE" }));
  const list = useQuery(trpc.warehouse.transfers.queryOptions({ status: "SHIPPED" }));
  const [toSiteId, setTo] = useState("");
  const [codes, setCodes] = useState("");
  const [ok, setOk] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.warehouse.transfers.queryKey() });
  const ship = useMutation(trpc.warehouse.shipTransfer.mutationOptions({ onSuccess: async (t) => { setOk(`Shipped ${t.lines.length} asset(s).`); setCodes(""); await refresh(); } }));
  const receive = useMutation(trpc.warehouse.receiveTransfer.mutationOptions({ onSuccess: async () => { setOk("Received."); await refresh(); } }));
  return (
    <section className="space-y-2 border-t pt-4">
      <h2 className="text-lg font-semibold">Transfers between sites</h2>
      <div className="flex flex-wrap gap-2 items-end">
        <label className="block">
          <span className="block text-sm">To site</span>
          <select className="min-h-11 rounded border px-2" value={toSiteId} onChange={(e) => setTo(e.target.value)}>
            <option value="">Choose…</option>
            {(sites.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.path} — {s.name}</option>)}
          </select>
        </label>
        <label className="block flex-1 min-w-64">
          <span className="block text-sm">Assets (one tag or serial a line)</span>
          <textarea className="w-full rounded border px-2 py-1 font-mono" rows={2} value={codes} onChange={(e) => setCodes(e.target.value)} />
        </label>
        <button type="button" className="btn btn-primary min-h-11" disabled={!toSiteId || !codes.trim() || ship.isPending} onClick={() => ship.mutate({ toSiteId, codes: codes.split(/\s+/).filter(Boolean) })}>Ship</button>
      </div>
      {ship.error && <ErrorBox error={ship.error} />}
      {receive.error && <ErrorBox error={receive.error} />}
      {ok && <OkBox>{ok}</OkBox>}
      <ul>
        {(list.data ?? []).map((t) => (
          <li key={t.id} className="flex items-center gap-2 py-1">
            <span>{t.assets} asset(s) shipped {t.shippedAt.toISOString().slice(0, 16).replace("T", " ")}{t.tracking ? ` · ${t.tracking}` : ""}</span>
            <button type="button" className="btn btn-secondary min-h-11" onClick={() => receive.mutate({ id: t.id })}>Receive</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
