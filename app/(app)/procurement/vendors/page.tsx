/** Procurement → vendors: SLA terms, contacts, and the scorecard from real deliveries. */
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { VendorTable } from "../../../_components/procurement/lists";
import { VendorForm } from "../../../_components/procurement/forms";
import { pct } from "../../../_components/procurement/format";
import { ListPrices, VendorEditor } from "../../../_components/procurement/editors";

export const dynamic = "force-dynamic";

export default async function VendorsPage() {
  const r = await load(async (api) => {
    const me = await api.auth.me();
    const canRead = ["admin", "procurement", "viewer"].includes(me.role);
    const [vendors, models, card] = await Promise.all([api.procurement.vendors(), api.procurement.models(), canRead ? api.procurement.scorecard() : null]);
    return { me, vendors, models, card };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { me, vendors, models, card } = r.data;
  const canWrite = me.role === "admin" || me.role === "procurement";
  const d = (n: number | null) => (n === null ? "—" : `${n} days`);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Vendors</h1>
      {canWrite && <VendorForm />}
      <VendorTable rows={vendors.items} />
      {canWrite && (
        <section className="space-y-2">
          <h2 className="text-lg font-semibold">Change terms and contacts</h2>
          {vendors.items.map((v) => (
            <VendorEditor key={v.id} vendor={v} />
          ))}
        </section>
      )}
      <ListPrices models={models.items} vendors={vendors.items} canWrite={canWrite} />
      {card && (
        <section className="card p-4 overflow-x-auto">
          <h2 className="text-lg font-semibold">Scorecard</h2>
          <table className="w-full text-left text-sm" data-testid="scorecard">
            <thead className="bg-slate-100">
              <tr>
                <th className="p-2">Vendor</th>
                <th className="p-2">Lead time p50</th>
                <th className="p-2">Lead time p90</th>
                <th className="p-2">On time</th>
                <th className="p-2">RMA turnaround</th>
                <th className="p-2">DOA rate</th>
              </tr>
            </thead>
            <tbody>
              {card.items.map((v) => (
                <tr key={v.vendorId} className="border-t">
                  <td className="p-2">{v.name}</td>
                  <td className="p-2">{d(v.metrics.leadTimeP50Days)}</td>
                  <td className="p-2">{d(v.metrics.leadTimeP90Days)}</td>
                  <td className="p-2">{pct(v.metrics.onTimeRate)}</td>
                  <td className="p-2">{d(v.metrics.rmaTurnaroundDays)}</td>
                  <td className="p-2">{pct(v.metrics.doaRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
