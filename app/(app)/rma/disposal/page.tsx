/** Sanitisation and disposal: import erasure reports, mark decommissioned assets sanitised, disposal batches. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { CreateBatchForm, EvidenceImport, SanitiseForm } from "../../../_components/rma/forms";

export const dynamic = "force-dynamic";

export default async function DisposalPage() {
  const r = await load(async (api) => {
    const [batches, decom, me] = await Promise.all([api.rma.batches({}), api.assets.list({ status: ["DECOMMISSIONING"], pageSize: 200 }), api.auth.me()]);
    return { batches, decom, can: me.can };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { batches, decom, can } = r.data;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Sanitisation & disposal</h1>
      {can.sanitise && (
        <div className="grid gap-4 lg:grid-cols-2">
          <EvidenceImport />
          <SanitiseForm assets={decom.items.map((a) => ({ id: a.id, label: `${a.assetTag ?? a.serial} · ${a.model.name}` }))} />
        </div>
      )}
      {can.dispose && <CreateBatchForm />}
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Disposal batches</h2>
        <table className="w-full text-left text-sm" data-testid="batches">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Batch</th>
              <th className="p-2">Recycler</th>
              <th className="p-2">Assets</th>
              <th className="p-2">State</th>
              <th className="p-2">Certificate</th>
            </tr>
          </thead>
          <tbody>
            {batches.items.map((b) => (
              <tr key={b.id} className="border-t">
                <td className="p-2">
                  <Link className="link min-h-11 inline-flex items-center" href={`/rma/disposal/${b.id}`}>
                    {b.number}
                  </Link>
                </td>
                <td className="p-2">
                  {b.recycler} ({b.certification})
                </td>
                <td className="p-2">{b.assetCount}</td>
                <td className={`p-2 ${b.overdue ? "text-red-800 font-semibold" : ""}`}>{b.overdue ? "open, no certificate (overdue)" : b.status.toLowerCase()}</td>
                <td className="p-2">{b.certificate ? b.certificate.filename : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
