"use client";
/** One cycle count: scan (or let an RFID reader sweep) and watch it reconcile live; reconcile; approve the adjustments. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { use, useState } from "react";
import { useLive } from "../../../../_components/live";
import { ErrorBox } from "../../../../_components/ui/form";
import { errorInfo, useTRPC } from "../../../../_components/trpc";
import { beep, ScanInput } from "../../_parts/scan-input";

const RESULT_STYLE: Record<string, string> = {
  FOUND: "bg-green-100 text-green-900",
  ELSEWHERE: "bg-amber-100 text-amber-900",
  MISSING: "bg-red-100 text-red-900",
  UNEXPECTED: "bg-purple-100 text-purple-900",
  PENDING: "bg-slate-100 text-slate-700",
};

export default function CountPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const count = useQuery(trpc.warehouse.count.queryOptions({ id }));
  const amLead = useQuery(trpc.warehouse.amLead.queryOptions());
  const locs = useQuery(trpc.locations.list.queryOptions());
  const [binId, setBin] = useState("");
  const [last, setLast] = useState<{ ok: boolean; text: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.warehouse.count.queryKey({ id }) });
  useLive(`warehouse:${id}`, () => void refresh(), { throttleMs: 300 });
  const scan = useMutation(trpc.warehouse.scanCount.mutationOptions());
  const reconcile = useMutation(trpc.warehouse.reconcileCount.mutationOptions({ onSuccess: refresh }));
  const approve = useMutation(trpc.warehouse.approveCount.mutationOptions({ onSuccess: refresh }));
  const c = count.data;
  const onScan = async (code: string) => {
    try {
      const r = await scan.mutateAsync({ id, codes: [code], locationId: binId || undefined });
      const l = r.lines[0];
      const ok = l?.result === "FOUND";
      beep(ok);
      setLast({ ok, text: l ? `${code}: ${l.message}` : `${code}: already counted` });
      await refresh();
    } catch (e) {
      beep(false);
      setLast({ ok: false, text: errorInfo(e).message });
    }
  };
  if (count.error) return <ErrorBox error={count.error} />;
  if (!c) return <p>Loading…</p>;
  const inside = (locs.data ?? []).filter((l) => l.id === c.locationId || l.path.startsWith(`${c.locationPath} / `));
  const t = c.totals;
  return (
    <div className="space-y-4 max-w-5xl">
      <h1 className="text-2xl font-semibold">Count of {c.locationPath} <span className="text-base font-normal text-slate-600" data-testid="count-status">{c.status}</span></h1>
      <div className="grid grid-cols-3 md:grid-cols-6 gap-2 text-center" data-testid="count-totals">
        {([["Expected", t.expected], ["Found", t.found], ["Elsewhere", t.elsewhere], ["Missing", t.missing], ["Unexpected", t.unexpected], ["Not seen yet", t.pending]] as const).map(([k, v]) => (
          <div key={k} className="rounded-lg border p-2"><div className="text-2xl font-semibold" data-testid={`total-${k.toLowerCase().replace(/ /g, "-")}`}>{v}</div><div className="text-sm text-slate-600">{k}</div></div>
        ))}
      </div>
      {c.status === "OPEN" && (
        <div className="space-y-2">
          {inside.length > 1 && (
            <label className="block">
              <span className="block text-sm">Scanning in</span>
              <select className="min-h-11 rounded border px-2" value={binId} onChange={(e) => setBin(e.target.value)}>
                <option value="">{c.locationPath} (anywhere)</option>
                {inside.filter((l) => l.id !== c.locationId).map((l) => <option key={l.id} value={l.id}>{l.path}</option>)}
              </select>
            </label>
          )}
          <ScanInput label="Scan assets (tag, serial or EPC)" testId="count-scan" onScan={(code) => void onScan(code)} />
          {last && <div className={`rounded-lg px-3 py-2 text-lg ${last.ok ? "bg-green-100 text-green-900" : "bg-amber-100 text-amber-900"}`} data-testid="count-last">{last.text}</div>}
          <button type="button" className="btn btn-primary min-h-11" data-testid="reconcile" onClick={() => reconcile.mutate({ id })} disabled={reconcile.isPending}>Reconcile (unseen become missing)</button>
        </div>
      )}
      {c.status === "RECONCILED" && (amLead.data ? (
        <button type="button" className="btn btn-primary min-h-11" data-testid="approve" onClick={() => approve.mutate({ id })} disabled={approve.isPending}>Approve adjustments</button>
      ) : (
        <p className="text-slate-600">An administrator or a warehouse lead approves the adjustments.</p>
      ))}
      {reconcile.error && <ErrorBox error={reconcile.error} />}
      {approve.error && <ErrorBox error={approve.error} />}
      <table className="w-full text-left" data-testid="count-lines">
        <thead><tr className="border-b"><th className="py-2">Result</th><th>Tag</th><th>Serial / code</th><th>Model</th><th>Recorded at</th><th>Found at</th><th>Adjusted</th></tr></thead>
        <tbody>
          {c.lines.map((l) => (
            <tr key={l.id} className="border-b" data-testid={`line-${l.result}`}>
              <td className="py-1"><span className={`rounded px-2 py-0.5 ${RESULT_STYLE[l.result]}`}>{l.result}</span></td>
              <td className="font-mono">{l.assetTag ?? "—"}</td><td className="font-mono">{l.serial ?? l.code}</td><td>{l.model ?? ""}</td>
              <td>{l.expectedPath ?? "—"}</td><td>{l.foundPath ?? "—"}</td><td>{l.adjusted ? "yes" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
