/** Procurement setup: the TCO defaults and the CapEx plan (budget per quarter and site: committed vs received vs remaining). */
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { BudgetForm, SettingsForm } from "../../../_components/procurement/forms";
import { money } from "../../../_components/procurement/format";

export const dynamic = "force-dynamic";

export default async function ProcurementSetupPage() {
  const r = await load(async (api) => {
    const [me, settings, capex, sites] = await Promise.all([api.auth.me(), api.procurement.settings(), api.procurement.capex({}), api.locations.list({ kind: "SITE" })]);
    return { me, settings, capex, sites };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { me, settings, capex, sites } = r.data;
  const canWrite = me.role === "admin" || me.role === "procurement";
  const siteName = new Map(sites.map((s) => [s.id, s.path]));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Procurement setup</h1>
      {canWrite ? (
        <SettingsForm initial={settings} />
      ) : (
        <p>
          PUE {settings.pue} · tariff {settings.tariffPerKwh} · AFR {settings.afr} · cost per failure {settings.costPerFailure} · cost per U-month {settings.costPerUMonth} · discount rate {settings.discountRate}
        </p>
      )}
      <h2 className="text-xl font-semibold">CapEx plan</h2>
      {canWrite && <BudgetForm sites={sites.map((s) => ({ id: s.id, path: s.path }))} />}
      <div className="card overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="capex">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Quarter</th>
              <th className="p-2">Site</th>
              <th className="p-2 text-right">Budget</th>
              <th className="p-2 text-right">Committed</th>
              <th className="p-2 text-right">Received</th>
              <th className="p-2 text-right">Remaining</th>
            </tr>
          </thead>
          <tbody>
            {capex.items.map((b) => (
              <tr key={`${b.quarter}-${b.siteId}-${b.currency}`} className={`border-t ${b.remaining < 0 ? "bg-red-50" : ""}`}>
                <td className="p-2">{b.quarter}</td>
                <td className="p-2">{siteName.get(b.siteId) ?? b.siteId}</td>
                <td className="p-2 text-right">{money(b.budget, b.currency)}</td>
                <td className="p-2 text-right">{money(b.committed, b.currency)}</td>
                <td className="p-2 text-right">{money(b.received, b.currency)}</td>
                <td className="p-2 text-right">{money(b.remaining, b.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
