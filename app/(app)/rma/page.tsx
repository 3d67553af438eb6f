/** RMA cases: the breach board (past due, due within a day; live), the turnaround KPI per vendor, open a case, the cases. */
import Link from "next/link";
import { load } from "../../_lib/server-trpc";
import { ErrorBox } from "../../_components/ui/form";
import { LiveRefresh } from "../../_components/live-refresh";
import { OpenCaseForm } from "../../_components/rma/forms";
import { RMA_STATUS_LABELS } from "@/server/domains/rma/schema";

export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "—");

export default async function RmaPage() {
  const r = await load(async (api) => {
    const [board, kpi, cases, failed, me] = await Promise.all([api.rma.board({ withinDays: 1 }), api.rma.kpi({}), api.rma.list({ take: 100 }), api.assets.list({ status: ["FAILED"], pageSize: 200 }), api.auth.me()]);
    return { board, kpi, cases, failed, can: me.can };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { board, kpi, cases, failed, can } = r.data;
  const openIds = new Set(cases.items.filter((c) => ["DRAFT", "SUBMITTED", "APPROVED", "SHIPPED"].includes(c.status)).map((c) => c.assetId));
  return (
    <div className="space-y-4">
      <LiveRefresh channels="rma" throttleMs={1000} />
      <h1 className="text-2xl font-semibold">RMA</h1>
      <section className="card p-4" data-testid="rma-board">
        <h2 className="font-semibold">SLA board ({board.open} open)</h2>
        {board.breached.length + board.dueSoon.length === 0 && <p className="text-sm text-slate-600">No case past due or due within a day.</p>}
        <ul className="text-sm">
          {[...board.breached, ...board.dueSoon].map((b) => (
            <li key={b.id} className={b.breached ? "text-red-800" : "text-amber-800"}>
              <Link className="link min-h-11 inline-flex items-center" href={`/rma/${b.id}`}>
                {b.number} · {b.assetSerial} · {b.vendorName ?? "no vendor"} · {b.breached ? `${-b.hoursLeft} h past due` : `${b.hoursLeft} h left`}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section className="card p-4" data-testid="rma-kpi">
        <h2 className="font-semibold">Turnaround (opened → replacement received), target ≤ {kpi.targetDays} days</h2>
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Vendor</th>
              <th className="p-2">SLA</th>
              <th className="p-2">Received</th>
              <th className="p-2">p50</th>
              <th className="p-2">p90</th>
              <th className="p-2">Within SLA</th>
            </tr>
          </thead>
          <tbody>
            {kpi.vendors.map((v) => (
              <tr key={v.vendorId} className="border-t">
                <td className="p-2">{v.name}</td>
                <td className="p-2">{v.slaDays} d</td>
                <td className="p-2">{v.received}</td>
                <td className="p-2">{v.p50 ?? "—"} d</td>
                <td className="p-2">{v.p90 ?? "—"} d</td>
                <td className="p-2">{v.withinSla === null ? "—" : `${Math.round(v.withinSla * 100)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {can.runRma && <OpenCaseForm assets={failed.items.filter((a) => !openIds.has(a.id)).map((a) => ({ id: a.id, label: `${a.assetTag ?? a.serial} · ${a.model.name}${a.location ? ` · ${a.location.path}` : ""}` }))} />}
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Cases</h2>
        <table className="w-full text-left text-sm" data-testid="rma-cases">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Case</th>
              <th className="p-2">Serial</th>
              <th className="p-2">Vendor</th>
              <th className="p-2">State</th>
              <th className="p-2">Opened</th>
              <th className="p-2">Due</th>
            </tr>
          </thead>
          <tbody>
            {cases.items.map((c) => (
              <tr key={c.id} className="border-t">
                <td className="p-2">
                  <Link className="link min-h-11 inline-flex items-center" href={`/rma/${c.id}`}>
                    {c.number}
                  </Link>
                </td>
                <td className="p-2 font-mono">{c.assetSerial}</td>
                <td className="p-2">{c.vendorName ?? "—"}</td>
                <td className="p-2">{RMA_STATUS_LABELS[c.status]}</td>
                <td className="p-2">{day(c.openedAt)}</td>
                <td className={`p-2 ${c.breached ? "text-red-800 font-semibold" : ""}`}>{day(c.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
