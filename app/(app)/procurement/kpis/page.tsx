/** Procurement KPIs: cost savings and lead time per period and vendor, with the rows behind them. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { day, money, pct } from "../../../_components/procurement/format";

export const dynamic = "force-dynamic";

export default async function KpisPage({ searchParams }: { searchParams: Promise<{ period?: string; vendorId?: string }> }) {
  const sp = await searchParams;
  const q = { period: sp.period || undefined, vendorId: sp.vendorId || undefined };
  const r = await load(async (api) => {
    const [savings, lead, chart] = await Promise.all([api.procurement.savings(q), api.procurement.leadTime(q), api.procurement.leadTimeChart(q)]);
    return { savings, lead, chart };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { savings, lead, chart } = r.data;
  const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]).toString();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Procurement KPIs</h1>
        <form className="flex items-end gap-2">
          <label className="block">
            <span className="block text-sm text-slate-700">Period (2026, 2026-Q2, 2026-05)</span>
            <input className="input" name="period" defaultValue={q.period ?? ""} />
          </label>
          <button className="btn btn-secondary">Show</button>
        </form>
        <a className="btn btn-secondary" href={`/api/procurement/report?kind=kpis&format=pdf${qs ? `&${qs}` : ""}`}>
          KPI report (PDF)
        </a>
        <a className="btn btn-secondary" href={`/api/procurement/report?kind=kpis&format=csv${qs ? `&${qs}` : ""}`}>
          CSV
        </a>
      </div>
      <section className="grid gap-4 md:grid-cols-2">
        <div className="card p-4">
          <h2 className="font-semibold">Cost savings vs budget</h2>
          <p className="text-3xl" data-testid="savings-budget">
            {pct(savings.vsBudget.ratio)}
          </p>
          <p className="text-sm text-slate-600">
            target ≥ {pct(savings.target)} · baseline {money(savings.vsBudget.baseline)} · awarded {money(savings.vsBudget.awarded)} · {savings.vsBudget.lines} lines
          </p>
        </div>
        <div className="card p-4">
          <h2 className="font-semibold">Cost savings vs first-round quotes</h2>
          <p className="text-3xl" data-testid="savings-first">
            {pct(savings.vsFirstRound.ratio)}
          </p>
          <p className="text-sm text-slate-600">
            baseline {money(savings.vsFirstRound.baseline)} · awarded {money(savings.vsFirstRound.awarded)} · {savings.vsFirstRound.lines} lines
          </p>
        </div>
      </section>
      <section className="card p-4 overflow-x-auto">
        <h2 className="font-semibold">Lead time, PO issued → received (target ≤ {lead.targetDays} days)</h2>
        <table className="w-full text-left text-sm" data-testid="lead-time">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Vendor</th>
              <th className="p-2">Committed</th>
              <th className="p-2">Received</th>
              <th className="p-2">p50</th>
              <th className="p-2">p90</th>
              <th className="p-2">max</th>
              <th className="p-2">Late POs</th>
            </tr>
          </thead>
          <tbody>
            {lead.vendors.map((v) => (
              <tr key={v.vendorId} className="border-t">
                <td className="p-2">
                  <Link className="text-blue-800 underline" href={`/procurement/kpis?vendorId=${v.vendorId}${q.period ? `&period=${q.period}` : ""}`}>
                    {v.name}
                  </Link>
                </td>
                <td className="p-2">{v.committedDays} d</td>
                <td className="p-2">{v.received}</td>
                <td className="p-2">{v.p50 ?? "—"}</td>
                <td className="p-2">{v.p90 ?? "—"}</td>
                <td className="p-2">{v.max ?? "—"}</td>
                <td className="p-2">
                  {v.latePos.map((p) => (
                    <Link key={p.poId} className="text-red-800 underline mr-2" href={`/procurement/purchase-orders/${p.poId}`}>
                      {p.number}
                      {p.open ? " (open)" : ""}
                    </Link>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {lead.vendors.length > 0 && <figure className="mt-3 overflow-x-auto" dangerouslySetInnerHTML={{ __html: chart }} />}
      </section>
      <section className="card p-4 overflow-x-auto">
        <h2 className="font-semibold">Behind the savings figure</h2>
        <table className="w-full text-left text-sm" data-testid="savings-drill">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">PO</th>
              <th className="p-2">Issued</th>
              <th className="p-2 text-right">Quantity</th>
              <th className="p-2 text-right">Awarded</th>
              <th className="p-2 text-right">Budget</th>
              <th className="p-2 text-right">First round</th>
            </tr>
          </thead>
          <tbody>
            {savings.drill.map((d) => (
              <tr key={d.poLineId} className="border-t">
                <td className="p-2">
                  <Link className="text-blue-800 underline" href={`/procurement/purchase-orders/${d.poId}`}>
                    {d.poNumber}
                  </Link>
                </td>
                <td className="p-2">{day(d.issuedAt)}</td>
                <td className="p-2 text-right">{d.quantity}</td>
                <td className="p-2 text-right tabular-nums">{money(d.unitPrice)}</td>
                <td className="p-2 text-right tabular-nums">{money(d.baselineBudget)}</td>
                <td className="p-2 text-right tabular-nums">{money(d.baselineFirstRound)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
