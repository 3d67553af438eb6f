/** KPIs of the floor: DOA rate and installation time against their targets, per period, vendor, model and site, with the assets behind them. */
import Link from "next/link";
import { load } from "../../_lib/server-trpc";
import { fmtTime } from "../../_components/ui/format";

export const dynamic = "force-dynamic";

const pct = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(2)} %`);
const days = (n: number | null) => (n === null ? "—" : `${n.toFixed(1)} d`);
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

function Verdict({ met }: { met: boolean | null }) {
  if (met === null) return <span className="text-slate-600">no data</span>;
  return met ? <span className="rounded bg-green-100 px-2 text-green-900">on target</span> : <span className="rounded bg-red-100 px-2 text-red-900">off target</span>;
}

export default async function KpisPage({ searchParams }: { searchParams: Promise<{ period?: string; vendorId?: string; modelId?: string; siteId?: string }> }) {
  const sp = await searchParams;
  const q = { period: sp.period || undefined, vendorId: sp.vendorId || undefined, modelId: sp.modelId || undefined, siteId: sp.siteId || undefined };
  const r = await load(async (api) => {
    const [doa, inst] = await Promise.all([api.acceptance.doa({ period: q.period, vendorId: q.vendorId, modelId: q.modelId }), api.acceptance.installTime({ period: q.period, siteId: q.siteId })]);
    return { doa, inst };
  });
  if (!r.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{r.message}</p>;
  const { doa, inst } = r.data;
  const link = (p: Partial<typeof q>) => `/kpis?${new URLSearchParams(Object.entries({ ...q, ...p }).filter(([, v]) => v) as [string, string][]).toString()}`;
  const filtered = q.vendorId || q.modelId || q.siteId;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="mr-auto text-2xl font-semibold">KPIs</h1>
        <form className="flex items-end gap-2">
          <label className="block">
            <span className="block text-sm text-slate-700">Period (2026, 2026-Q2, 2026-05)</span>
            <input className="input" name="period" defaultValue={q.period ?? ""} />
          </label>
          <button className="btn btn-secondary">Show</button>
        </form>
        {filtered && <Link className="btn btn-secondary" href={link({ vendorId: undefined, modelId: undefined, siteId: undefined })}>All vendors, models and sites</Link>}
        <Link className="btn btn-secondary" href="/procurement/kpis">Procurement KPIs</Link>
      </div>
      <section className="grid gap-4 md:grid-cols-2">
        <div className="card p-4">
          <h2 className="font-semibold">DOA rate</h2>
          <p className="text-3xl" data-testid="kpi-doa-rate">{pct(doa.rate)}</p>
          <p className="text-sm text-slate-600">
            target &lt; {pct(doa.target)} · <Verdict met={doa.met} /> · {doa.doa} DOA of {doa.received} received (failed before their first In service, by month of receipt)
          </p>
        </div>
        <div className="card p-4">
          <h2 className="font-semibold">Installation time, received → SAT passed</h2>
          <p className="text-3xl" data-testid="kpi-install-p50">
            p50 {days(inst.p50)} · p90 {days(inst.p90)}
          </p>
          <p className="text-sm text-slate-600">
            target p90 ≤ {inst.targetDays} d · <Verdict met={inst.met} /> · <span data-testid="kpi-installs">{inst.installs}</span> installations (by month of the SAT pass)
          </p>
        </div>
      </section>

      <section className="grid gap-4 lg:grid-cols-3">
        {(
          [
            ["By vendor", doa.byVendor.map((v) => ({ key: v.vendorId, href: link({ vendorId: v.vendorId }), ...v }))],
            ["By model", doa.byModel.map((m) => ({ key: m.modelId, href: link({ modelId: m.modelId }), ...m }))],
            ["By month of receipt", doa.byMonth.map((m) => ({ key: m.month, name: m.month, href: link({ period: m.month }), ...m }))],
          ] as const
        ).map(([title, rows]) => (
          <div key={title} className="card p-4 overflow-x-auto">
            <h2 className="font-semibold">DOA {title.toLowerCase()}</h2>
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-100">
                <tr>
                  <th className="p-2" />
                  <th className="p-2 text-right">Received</th>
                  <th className="p-2 text-right">DOA</th>
                  <th className="p-2 text-right">Rate</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => (
                  <tr key={x.key} className="border-t">
                    <td className="p-2"><Link className="text-blue-800 underline" href={x.href}>{x.name}</Link></td>
                    <td className="p-2 text-right tabular-nums">{x.received}</td>
                    <td className="p-2 text-right tabular-nums">{x.doa}</td>
                    <td className={`p-2 text-right tabular-nums whitespace-nowrap ${x.rate !== null && x.rate >= doa.target ? "text-red-800 font-medium" : ""}`}>{pct(x.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </section>

      <section className="card p-4 overflow-x-auto">
        <h2 className="font-semibold">Behind the DOA figure</h2>
        <table className="w-full text-left text-sm" data-testid="kpi-doa-drill">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Asset</th>
              <th className="p-2">Received</th>
              <th className="p-2">Failed</th>
              <th className="p-2">From</th>
              <th className="p-2">Reason</th>
              <th className="p-2" />
            </tr>
          </thead>
          <tbody>
            {doa.drill.map((d) => (
              <tr key={d.assetId} className="border-t">
                <td className="p-2 font-mono"><Link className="text-blue-800 underline" href={`/assets/${d.assetId}`}>{d.assetTag ?? d.serial}</Link></td>
                <td className="p-2">{day(d.receivedAt)}</td>
                <td className="p-2">{fmtTime(d.failedAt)}</td>
                <td className="p-2">{d.fromStatus ?? "—"}</td>
                <td className="p-2">{d.reason ?? "—"}</td>
                <td className="p-2"><Link className="text-blue-800 underline" href={`/kpis/doa/${d.assetId}`}>Evidence</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
        {!doa.drill.length && <p className="text-slate-600 p-2">No DOA asset in this selection.</p>}
      </section>

      <section className="card p-4 overflow-x-auto">
        <h2 className="font-semibold">Installation time by site</h2>
        <table className="w-full text-left text-sm" data-testid="kpi-install-sites">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Site</th>
              <th className="p-2 text-right">Installations</th>
              <th className="p-2 text-right">p50</th>
              <th className="p-2 text-right">p90</th>
            </tr>
          </thead>
          <tbody>
            {inst.bySite.map((s) => (
              <tr key={s.siteId} className="border-t">
                <td className="p-2"><Link className="text-blue-800 underline" href={link({ siteId: s.siteId })}>{s.name}</Link></td>
                <td className="p-2 text-right tabular-nums">{s.installs}</td>
                <td className="p-2 text-right tabular-nums">{days(s.p50)}</td>
                <td className={`p-2 text-right tabular-nums ${s.p90 !== null && s.p90 > inst.targetDays ? "text-red-800 font-medium" : ""}`}>{days(s.p90)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card p-4 overflow-x-auto">
        <h2 className="font-semibold">Behind the installation figure (newest first)</h2>
        <table className="w-full text-left text-sm" data-testid="kpi-install-drill">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Asset</th>
              <th className="p-2">Received</th>
              <th className="p-2">SAT passed</th>
              <th className="p-2 text-right">Days</th>
            </tr>
          </thead>
          <tbody>
            {inst.drill.map((d) => (
              <tr key={`${d.assetId}:${String(d.passedAt)}`} className="border-t">
                <td className="p-2 font-mono"><Link className="text-blue-800 underline" href={`/assets/${d.assetId}`}>{d.assetTag ?? d.serial}</Link></td>
                <td className="p-2">{fmtTime(d.receivedAt)}</td>
                <td className="p-2">{fmtTime(d.passedAt)}</td>
                <td className={`p-2 text-right tabular-nums ${d.days > inst.targetDays ? "text-red-800 font-medium" : ""}`}>{d.days.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
