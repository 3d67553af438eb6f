"use client";
/** Cycle counts: open one for a bin, rack or room; the list (filtered by site from the accuracy KPI's drill-down). */
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Suspense, useState } from "react";
import { ErrorBox } from "../../../_components/ui/form";
import { useTRPC } from "../../../_components/trpc";

export default function CountsPage() {
  return (
    <Suspense>
      <Counts />
    </Suspense>
  );
}

function Counts() {
  const trpc = useTRPC();
  const router = useRouter();
  const siteId = useSearchParams().get("siteId") ?? undefined;
  const locs = useQuery(trpc.locations.list.queryOptions());
  const counts = useQuery(siteId ? trpc.warehouse.countsFor.queryOptions({ siteId }) : trpc.warehouse.counts.queryOptions({}));
  const [locationId, setLoc] = useState("");
  const open = useMutation(trpc.warehouse.openCount.mutationOptions({ onSuccess: (c) => router.push(`/warehouse/counts/${c.id}`) }));
  const countable = (locs.data ?? []).filter((l) => l.kind !== "SITE");
  return (
    <div className="space-y-4 max-w-4xl">
      <h1 className="text-2xl font-semibold">Cycle counts</h1>
      <div className="flex flex-wrap gap-2 items-end">
        <label className="block">
          <span className="block text-sm">Count this bin, rack or room</span>
          <select className="min-h-11 rounded border px-2 min-w-72" data-testid="count-location" value={locationId} onChange={(e) => setLoc(e.target.value)}>
            <option value="">Choose…</option>
            {countable.map((l) => <option key={l.id} value={l.id}>{l.path} — {l.name}</option>)}
          </select>
        </label>
        <button type="button" className="btn btn-primary min-h-11" data-testid="open-count" disabled={!locationId || open.isPending} onClick={() => open.mutate({ locationId })}>Open count</button>
      </div>
      {open.error && <ErrorBox error={open.error} />}
      {siteId && <p className="text-sm text-slate-600">Reconciled counts of one site (from the accuracy KPI). <Link className="underline" href="/warehouse/counts">All counts</Link></p>}
      <table className="w-full text-left">
        <thead><tr className="border-b"><th className="py-2">Location</th><th>Status</th><th>Opened</th><th>Expected</th><th>Found</th><th>Elsewhere</th><th>Missing</th><th>Unexpected</th></tr></thead>
        <tbody>
          {(counts.data ?? []).map((c) => (
            <tr key={c.id} className="border-b">
              <td className="py-2"><Link className="underline" href={`/warehouse/counts/${c.id}`}>{c.locationPath}</Link></td>
              <td>{c.status}</td><td>{c.openedAt.toISOString().slice(0, 16).replace("T", " ")}</td>
              <td>{c.totals.expected}</td><td>{c.totals.found}</td><td>{c.totals.elsewhere}</td><td>{c.totals.missing}</td><td>{c.totals.unexpected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
