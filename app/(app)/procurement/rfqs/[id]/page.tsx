/**
 * One RFQ: its lines and vendors, the quote rounds, quote entry (by hand and CSV), the TCO comparison
 * (table and the ECharts charts, rendered to SVG on the server: the PDF report draws the same SVG),
 * the award, and the exports.
 */
import Link from "next/link";
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { AwardForm, CsvUpload, QuoteForm } from "../../../../_components/procurement/forms";
import { InviteVendors, RfqParamsForm } from "../../../../_components/procurement/editors";
import { day, money, pct } from "../../../../_components/procurement/format";

export const dynamic = "force-dynamic";

export default async function RfqPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load(async (api) => {
    const [rfq, tco, charts, me, pos] = await Promise.all([api.procurement.rfq({ id }), api.procurement.tco({ id }), api.procurement.tcoCharts({ id }), api.auth.me(), api.procurement.purchaseOrders({ rfqId: id })]);
    const canWrite = me.role === "admin" || me.role === "procurement";
    // what an open RFQ's editors need: Setup's defaults and the vendors not yet invited
    const [settings, vendors] = canWrite && rfq.status === "OPEN" ? await Promise.all([api.procurement.settings(), api.procurement.vendors()]) : [null, null];
    return { rfq, tco, charts, me, pos, canWrite, settings, vendors };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { rfq, tco, charts, pos, canWrite, settings, vendors } = r.data;
  const invited = new Set(rfq.vendors.map((v) => v.vendorId));
  const vendorName = new Map(rfq.vendors.map((v) => [v.vendorId, v.name]));
  const nextRound = Math.max(0, ...rfq.quotes.map((q) => q.round)) + 1;
  const labels = tco.lines.map((l) => ({ id: l.rfqLineId, lineNo: l.lineNo, label: l.label, quantity: l.quantity }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto" data-testid="rfq-heading">
          {rfq.number} · {rfq.title}
        </h1>
        <a className="btn btn-secondary" href={`/api/procurement/report?kind=tco&id=${rfq.id}&format=pdf`} data-testid="tco-pdf">
          TCO report (PDF)
        </a>
        <a className="btn btn-secondary" href={`/api/procurement/report?kind=tco&id=${rfq.id}&format=csv`}>
          TCO (CSV)
        </a>
      </div>
      <p className="text-slate-700">
        Status <strong data-testid="rfq-status">{rfq.status}</strong> · {rfq.currency} · horizon {rfq.horizonYears} years · need by {day(rfq.needBy)}
      </p>

      <section className="card p-4 space-y-2">
        <h2 className="text-lg font-semibold">Quotes received</h2>
        <table className="w-full text-left text-sm" data-testid="quote-rounds">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Vendor</th>
              <th className="p-2">Round</th>
              <th className="p-2">Source</th>
              <th className="p-2">Lines</th>
            </tr>
          </thead>
          <tbody>
            {rfq.quotes.map((q) => (
              <tr key={q.id} className="border-t">
                <td className="p-2">{vendorName.get(q.vendorId)}</td>
                <td className="p-2">{q.round}</td>
                <td className="p-2">{q.source}</td>
                <td className="p-2">{q.declined ? "declined the round" : `${q.lines.filter((l) => !l.declined).length} priced, ${q.lines.filter((l) => l.declined).length} declined`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {settings && vendors && (
        <div className="grid gap-4 lg:grid-cols-2">
          <InviteVendors rfqId={rfq.id} vendors={vendors.items.filter((v) => !invited.has(v.id))} />
          <RfqParamsForm rfqId={rfq.id} params={rfq.params} defaults={settings} />
        </div>
      )}

      {canWrite && rfq.status === "OPEN" && (
        <div className="grid gap-4 lg:grid-cols-2">
          <QuoteForm rfqId={rfq.id} currency={rfq.currency} vendors={rfq.vendors} lines={labels} nextRound={nextRound} />
          <CsvUpload rfqId={rfq.id} vendors={rfq.vendors} nextRound={nextRound} />
        </div>
      )}

      <section className="space-y-3">
        <h2 className="text-xl font-semibold">TCO comparison</h2>
        <p className="text-sm text-slate-700" data-testid="tco-params">
          PUE {tco.parameters.pue} · tariff {tco.parameters.tariffPerKwh} {tco.currency}/kWh · AFR {pct(tco.parameters.afr)} · cost per failure {money(tco.parameters.costPerFailure)} · cost per U-month {money(tco.parameters.costPerUMonth)} · discount rate {pct(tco.parameters.discountRate)} · score weights TCO {tco.weights.tco}, lead time {tco.weights.leadTime}, SLA record {tco.weights.sla}
        </p>
        <div className="card overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="tco-table">
            <thead className="bg-slate-100">
              <tr>
                <th className="p-2">Line</th>
                <th className="p-2">Vendor (round)</th>
                <th className="p-2 text-right">Purchase</th>
                <th className="p-2 text-right">Energy</th>
                <th className="p-2 text-right">Support</th>
                <th className="p-2 text-right">Failures</th>
                <th className="p-2 text-right">Space</th>
                <th className="p-2 text-right">TCO / unit</th>
                <th className="p-2 text-right">Line total</th>
                <th className="p-2 text-right">TCO rank</th>
                <th className="p-2 text-right">Score (rank)</th>
              </tr>
            </thead>
            <tbody>
              {tco.lines.flatMap((l) => [
                ...[...l.quotes]
                  .sort((a, b) => a.rank - b.rank)
                  .map((q) => (
                    <tr key={`${l.rfqLineId}-${q.quoteId}`} className={`border-t ${q.rank === 1 ? "bg-green-50" : ""}`}>
                      <td className="p-2">
                        {l.lineNo}. {l.label} × {l.quantity}
                      </td>
                      <td className="p-2">
                        {vendorName.get(q.vendorId)} ({q.round})
                      </td>
                      {(["purchase", "energy", "support", "failure", "space", "total"] as const).map((k) => (
                        <td key={k} className="p-2 text-right tabular-nums">
                          {money(q.perUnit[k])}
                        </td>
                      ))}
                      <td className="p-2 text-right tabular-nums">{money(q.lineTotal)}</td>
                      <td className="p-2 text-right">{q.rank}</td>
                      <td className="p-2 text-right">
                        {q.score.toFixed(1)} ({q.scoreRank})
                      </td>
                    </tr>
                  )),
                ...(l.declinedVendorIds.length || l.missingVendorIds.length
                  ? [
                      <tr key={`${l.rfqLineId}-notes`} className="border-t text-slate-600">
                        <td className="p-2" colSpan={11}>
                          {[...l.declinedVendorIds.map((v) => `${vendorName.get(v)} declined`), ...l.missingVendorIds.map((v) => `${vendorName.get(v)} has not quoted`)].join(" · ")}
                        </td>
                      </tr>,
                    ]
                  : []),
              ])}
            </tbody>
          </table>
        </div>
        <div className="card overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="tco-vendors">
            <thead className="bg-slate-100">
              <tr>
                <th className="p-2">Rank</th>
                <th className="p-2">Vendor</th>
                <th className="p-2 text-right">Lines quoted</th>
                <th className="p-2 text-right">TCO ({tco.currency})</th>
                {tco.sensitivity.slice(1).map((s) => (
                  <th key={s.name} className="p-2 text-right">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...tco.vendors]
                .sort((a, b) => a.rank - b.rank)
                .map((v) => (
                  <tr key={v.vendorId} className="border-t">
                    <td className="p-2">{v.rank}</td>
                    <td className="p-2">{v.name}</td>
                    <td className="p-2 text-right">
                      {v.linesQuoted} of {tco.lines.length}
                    </td>
                    <td className="p-2 text-right tabular-nums">{money(v.total)}</td>
                    {tco.sensitivity.slice(1).map((s) => {
                      const x = s.vendors.find((y) => y.vendorId === v.vendorId)!;
                      return (
                        <td key={s.name} className="p-2 text-right tabular-nums">
                          {money(x.total)} (#{x.rank})
                        </td>
                      );
                    })}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
        <div className="grid gap-4 xl:grid-cols-3" data-testid="tco-charts">
          {(["breakdown", "cumulative", "sensitivity"] as const).map((k) => (
            <figure key={k} className="card p-2 overflow-x-auto" dangerouslySetInnerHTML={{ __html: charts[k] }} />
          ))}
        </div>
      </section>

      {canWrite && rfq.status === "OPEN" && <AwardForm rfqId={rfq.id} currency={rfq.currency} vendors={rfq.vendors} lines={labels} />}
      {pos.items.length > 0 && (
        <section className="card p-4">
          <h2 className="text-lg font-semibold">Purchase orders</h2>
          <ul data-testid="rfq-pos">
            {pos.items.map((p) => (
              <li key={p.id}>
                <Link className="text-blue-800 underline" href={`/procurement/purchase-orders/${p.id}`}>
                  {p.number}
                </Link>{" "}
                · {p.vendorName} · {p.status} · {money(p.total, p.currency)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
