"use client";
/** Labels and printers: download a batch of asset or bin labels (PDF or ZPL), print to a label printer, manage printers (admins). */
import { downloadFile } from "../../../_components/ui/download";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox, OkBox } from "../../../_components/ui/form";
import { useTRPC } from "../../../_components/trpc";

type TStock = "2x1" | "4x6" | "a4";


export default function PrintersPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const printers = useQuery(trpc.warehouse.printers.queryOptions());
  const jobs = useQuery(trpc.warehouse.printJobs.queryOptions({}));
  const locs = useQuery(trpc.locations.list.queryOptions());
  const [codes, setCodes] = useState("");
  const [locationIds, setLocationIds] = useState<string[]>([]);
  const [stock, setStock] = useState<TStock>("2x1");
  const [format, setFormat] = useState<"pdf" | "zpl">("pdf");
  const [printerId, setPrinter] = useState("");
  const [ok, setOk] = useState<string | null>(null);
  const batch = useMutation(trpc.warehouse.labelBatch.mutationOptions({ onSuccess: (f) => { downloadFile(f); setOk(`Downloaded ${f.labels} label(s): ${f.filename}`); } }));
  const print = useMutation(trpc.warehouse.print.mutationOptions({ onSuccess: async (j) => { setOk(`Queued ${j.labels} label(s) for printing.`); await qc.invalidateQueries({ queryKey: trpc.warehouse.printJobs.queryKey() }); } }));
  const [pf, setPf] = useState({ name: "", host: "", port: "9100", language: "zpl" as "zpl" | "pdf" });
  const save = useMutation(trpc.warehouse.savePrinter.mutationOptions({ onSuccess: async () => { setPf({ name: "", host: "", port: "9100", language: "zpl" }); await qc.invalidateQueries({ queryKey: trpc.warehouse.printers.queryKey() }); } }));
  // asset codes → ids: the batch takes ids; the page looks the scanned tags/serials up first
  const lookup = useMutation({
    mutationFn: async (list: string[]) => {
      const ids: string[] = [];
      for (const code of list) {
        // exactly as a scan finds it: the asset whose tag or serial this is
        const hits = await qc.fetchQuery(trpc.assets.byCode.queryOptions({ code }));
        if (hits.length === 0) throw new Error(`No asset with tag or serial ${code}.`);
        if (hits.length > 1) throw new Error(`${code} is the serial of ${hits.length} assets (of different manufacturers): scan its asset tag instead.`);
        ids.push(hits[0]!.id);
      }
      return ids;
    },
  });
  const run = async (kind: "download" | "print") => {
    setOk(null);
    const assetIds = await lookup.mutateAsync(codes.split(/\s+/).filter(Boolean));
    if (kind === "download") batch.mutate({ assetIds, locationIds, format, stock });
    else print.mutate({ printerId, assetIds, locationIds, stock });
  };
  const bins = (locs.data ?? []).filter((l) => l.kind === "BIN" || l.kind === "RACK");
  return (
    <div className="space-y-6 max-w-4xl">
      <h1 className="text-2xl font-semibold">Labels & printers</h1>
      <section className="space-y-3">
        <label className="block">
          <span className="block text-sm">Asset tags or serials (one a line; scan them here)</span>
          <textarea data-testid="label-codes" className="w-full rounded border px-2 py-1 font-mono" rows={4} value={codes} onChange={(e) => setCodes(e.target.value)} />
        </label>
        <label className="block">
          <span className="block text-sm">Bin and rack labels</span>
          <select multiple data-testid="label-locations" className="w-full rounded border px-2 min-h-24" value={locationIds} onChange={(e) => setLocationIds([...e.target.selectedOptions].map((o) => o.value))}>
            {bins.map((l) => <option key={l.id} value={l.id}>{l.path} — {l.name}</option>)}
          </select>
        </label>
        <div className="flex flex-wrap gap-2 items-end">
          <label className="block"><span className="block text-sm">Stock</span>
            <select data-testid="label-stock" className="min-h-11 rounded border px-2" value={stock} onChange={(e) => setStock(e.target.value as TStock)}>
              <option value="2x1">2″ × 1″</option><option value="4x6">4″ × 6″</option><option value="a4">A4 sheet (3 × 8)</option>
            </select>
          </label>
          <label className="block"><span className="block text-sm">Format</span>
            <select data-testid="label-format" className="min-h-11 rounded border px-2" value={format} onChange={(e) => setFormat(e.target.value as "pdf" | "zpl")}>
              <option value="pdf">PDF (any printer)</option><option value="zpl">ZPL II (Zebra)</option>
            </select>
          </label>
          <button type="button" data-testid="label-download" className="btn btn-primary min-h-11" disabled={batch.isPending || (!codes.trim() && !locationIds.length)} onClick={() => void run("download").catch(() => {})}>Download</button>
          <select className="min-h-11 rounded border px-2" value={printerId} onChange={(e) => setPrinter(e.target.value)}>
            <option value="">Printer…</option>
            {(printers.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name} ({p.language.toUpperCase()})</option>)}
          </select>
          <button type="button" className="btn btn-secondary min-h-11" disabled={!printerId || print.isPending} onClick={() => void run("print").catch(() => {})}>Print</button>
        </div>
        {lookup.error && <ErrorBox error={lookup.error} />}
        {batch.error && <ErrorBox error={batch.error} />}
        {print.error && <ErrorBox error={print.error} />}
        {ok && <OkBox>{ok}</OkBox>}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Printers</h2>
        <table className="w-full text-left">
          <thead><tr className="border-b"><th className="py-2">Name</th><th>Address</th><th>Language</th></tr></thead>
          <tbody>{(printers.data ?? []).map((p) => <tr key={p.id} className="border-b"><td className="py-2">{p.name}</td><td className="font-mono">{p.host}:{p.port}</td><td>{p.language.toUpperCase()}</td></tr>)}</tbody>
        </table>
        {me.data?.role === "admin" && (
          <div className="flex flex-wrap gap-2 items-end">
            <input className="min-h-11 rounded border px-2" placeholder="name" value={pf.name} onChange={(e) => setPf({ ...pf, name: e.target.value })} />
            <input className="min-h-11 rounded border px-2 font-mono" placeholder="host or IP" value={pf.host} onChange={(e) => setPf({ ...pf, host: e.target.value })} />
            <input className="min-h-11 rounded border px-2 w-24" placeholder="port" value={pf.port} onChange={(e) => setPf({ ...pf, port: e.target.value })} />
            <select className="min-h-11 rounded border px-2" value={pf.language} onChange={(e) => setPf({ ...pf, language: e.target.value as "zpl" | "pdf" })}><option value="zpl">ZPL</option><option value="pdf">PDF</option></select>
            <button type="button" className="btn btn-primary min-h-11" onClick={() => save.mutate({ name: pf.name, host: pf.host, port: Number(pf.port), language: pf.language })}>Add printer</button>
          </div>
        )}
        {save.error && <ErrorBox error={save.error} />}
        <h3 className="font-semibold">Recent print jobs</h3>
        <ul>{(jobs.data ?? []).map((j) => <li key={j.id}>{j.createdAt.toISOString().slice(0, 16).replace("T", " ")} · {j.labels} label(s) · {j.status}{j.error ? ` · ${j.error}` : ""}</li>)}</ul>
      </section>
    </div>
  );
}
