"use client";
/**
 * RFID: registered readers (an administrator adds them), and a sweep: choose an open count; reads from a
 * fixed reader at that location arrive through POST /api/v1/rfid/reads and the totals update live, or a
 * handheld in keyboard mode types EPCs into the field here.
 */
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLive } from "../../../_components/live";
import { ErrorBox, OkBox } from "../../../_components/ui/form";
import { useTRPC } from "../../../_components/trpc";
import { ScanInput } from "../_parts/scan-input";

export default function RfidPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const counts = useQuery(trpc.warehouse.counts.queryOptions({ status: "OPEN" }));
  const readers = useQuery(trpc.warehouse.readers.queryOptions());
  const locs = useQuery(trpc.locations.list.queryOptions());
  const [countId, setCount] = useState("");
  const count = useQuery({ ...trpc.warehouse.count.queryOptions({ id: countId }), enabled: !!countId });
  useLive(countId ? `warehouse:${countId}` : "", () => void qc.invalidateQueries({ queryKey: trpc.warehouse.count.queryKey({ id: countId }) }), { throttleMs: 250, enabled: !!countId });
  const sweep = useMutation(trpc.warehouse.scanCount.mutationOptions());
  const [form, setForm] = useState({ id: "", name: "", siteId: "", locationId: "" });
  const [ok, setOk] = useState<string | null>(null);
  const register = useMutation(trpc.warehouse.registerReader.mutationOptions({ onSuccess: async (r) => { setOk(`Registered ${r.id}.`); await qc.invalidateQueries({ queryKey: trpc.warehouse.readers.queryKey() }); } }));
  const path = (id: string | null) => (locs.data ?? []).find((l) => l.id === id)?.path ?? "—";
  const t = count.data?.totals;
  return (
    <div className="space-y-6 max-w-4xl">
      <h1 className="text-2xl font-semibold">RFID sweep</h1>
      <section className="space-y-2">
        <label className="block">
          <span className="block text-sm">Sweep for the open count of</span>
          <select className="min-h-11 rounded border px-2 min-w-72" value={countId} onChange={(e) => setCount(e.target.value)} data-testid="sweep-count">
            <option value="">Choose…</option>
            {(counts.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.locationPath}</option>)}
          </select>
          <Link href="/warehouse/counts" className="ml-2 underline">Open a count</Link>
        </label>
        {t && (
          <div className="grid grid-cols-4 gap-2 text-center" data-testid="sweep-totals">
            {([["Expected", t.expected], ["Found", t.found + t.elsewhere], ["Not seen yet", t.pending + t.missing], ["Unexpected", t.unexpected]] as const).map(([k, v]) => (
              <div key={k} className="rounded-lg border p-3"><div className="text-3xl font-semibold">{v}</div><div className="text-sm text-slate-600">{k}</div></div>
            ))}
          </div>
        )}
        {countId && <ScanInput label="Handheld reader (keyboard mode): EPCs" testId="sweep-epc" onScan={(epc) => sweep.mutate({ id: countId, codes: [epc], source: "rfid" })} />}
        {sweep.error && <ErrorBox error={sweep.error} />}
        {countId && <p><Link className="underline" href={`/warehouse/counts/${countId}`}>Lines, reconcile and approve</Link></p>}
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Readers</h2>
        <table className="w-full text-left">
          <thead><tr className="border-b"><th className="py-2">Reader id</th><th>Name</th><th>Site</th><th>Location</th></tr></thead>
          <tbody>{(readers.data ?? []).map((r) => <tr key={r.id} className="border-b"><td className="py-2 font-mono">{r.id}</td><td>{r.name}</td><td>{path(r.siteId)}</td><td>{path(r.locationId)}</td></tr>)}</tbody>
        </table>
        {me.data?.role === "admin" && (
          <div className="flex flex-wrap gap-2 items-end">
            <input className="min-h-11 rounded border px-2 font-mono" placeholder="reader id (hostname)" value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
            <input className="min-h-11 rounded border px-2" placeholder="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            <select className="min-h-11 rounded border px-2" value={form.siteId} onChange={(e) => setForm({ ...form, siteId: e.target.value, locationId: "" })}>
              <option value="">Site…</option>
              {(locs.data ?? []).filter((l) => l.kind === "SITE").map((l) => <option key={l.id} value={l.id}>{l.path}</option>)}
            </select>
            <select className="min-h-11 rounded border px-2" value={form.locationId} onChange={(e) => setForm({ ...form, locationId: e.target.value })}>
              <option value="">Location (optional)…</option>
              {(locs.data ?? []).filter((l) => l.siteId === form.siteId).map((l) => <option key={l.id} value={l.id}>{l.path}</option>)}
            </select>
            <button type="button" className="btn btn-primary min-h-11" onClick={() => register.mutate({ ...form, locationId: form.locationId || null })}>Register</button>
          </div>
        )}
        {register.error && <ErrorBox error={register.error} />}
        {ok && <OkBox>{ok}</OkBox>}
      </section>
    </div>
  );
}
