"use client";
/** Warehouse overview: where to go, open counts, and the inventory accuracy KPI per site (drill-down to the counts). */
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_components/trpc";

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);

export default function WarehousePage() {
  const trpc = useTRPC();
  const acc = useQuery(trpc.warehouse.accuracy.queryOptions({}));
  const open = useQuery(trpc.warehouse.counts.queryOptions({ status: "OPEN" }));
  const tiles = [
    { href: "/warehouse/receiving", label: "Receiving", hint: "Scan a PO, then serials" },
    { href: "/warehouse/moves", label: "Bins & moves", hint: "Scan a bin, then assets" },
    { href: "/warehouse/counts", label: "Cycle counts", hint: "Count a bin, rack or room" },
    { href: "/warehouse/rfid", label: "RFID sweep", hint: "Readers and live reconciliation" },
    { href: "/warehouse/printers", label: "Labels & printers", hint: "Asset and bin labels, PDF or ZPL" },
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Warehouse</h1>
      <div className="grid grid-cols-2 lg:grid-cols-3 gap-3">
        {tiles.map((t) => (
          <Link key={t.href} href={t.href} className="rounded-xl border-2 border-slate-200 p-5 hover:border-sky-400 min-h-24 block">
            <span className="block text-xl font-semibold">{t.label}</span>
            <span className="text-slate-600">{t.hint}</span>
          </Link>
        ))}
      </div>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Inventory accuracy</h2>
        <p className="text-sm text-slate-600">Cycle-count lines found at the expected location ÷ lines counted, over reconciled counts. Target 100 %.</p>
        <table className="w-full text-left" data-testid="accuracy-table">
          <thead>
            <tr className="border-b"><th className="py-2">Site</th><th>Counts</th><th>Lines counted</th><th>Found where expected</th><th>Accuracy</th></tr>
          </thead>
          <tbody>
            {(acc.data?.sites ?? []).map((s) => (
              <tr key={s.siteId} className="border-b">
                <td className="py-2"><Link className="underline" href={`/warehouse/counts?siteId=${s.siteId}`}>{s.sitePath}</Link></td>
                <td>{s.counts}</td><td>{s.counted}</td><td>{s.found}</td><td data-testid="accuracy-value">{pct(s.accuracy)}</td>
              </tr>
            ))}
            {acc.data && acc.data.sites.length === 0 && (
              <tr><td colSpan={5} className="py-3 text-slate-500">No reconciled counts yet.</td></tr>
            )}
          </tbody>
        </table>
      </section>
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Open counts</h2>
        <ul>
          {(open.data ?? []).map((c) => (
            <li key={c.id}><Link className="underline" href={`/warehouse/counts/${c.id}`}>{c.locationPath}</Link> · {c.totals.found + c.totals.elsewhere} seen of {c.totals.expected} expected</li>
          ))}
          {open.data?.length === 0 && <li className="text-slate-500">None.</li>}
        </ul>
      </section>
    </div>
  );
}
