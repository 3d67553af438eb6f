/** One disposal batch: the manifest, chain of custody, certificate; add, hand off, upload, close. */
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { BatchActions } from "../../../../_components/rma/forms";

export const dynamic = "force-dynamic";

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—");

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load(async (api) => ({ b: await api.rma.batch({ id }), me: await api.auth.me() }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { b, me } = r.data;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">
        {b.number} · {b.recycler} ({b.certification}) · <span data-testid="batch-status">{b.status === "OPEN" ? "Open" : "Closed"}</span>
      </h1>
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Pickup manifest ({b.items.length} assets, {b.totalWeightKg} kg)</h2>
        <table className="w-full text-left text-sm" data-testid="batch-items">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Asset</th>
              <th className="p-2">Model</th>
              <th className="p-2">Status</th>
              <th className="p-2">Weight</th>
              <th className="p-2">Seal</th>
            </tr>
          </thead>
          <tbody>
            {b.items.map((i) => (
              <tr key={i.assetId} className="border-t">
                <td className="p-2 font-mono">{i.assetTag ?? i.serial}</td>
                <td className="p-2">{i.modelName}</td>
                <td className="p-2">{i.status}</td>
                <td className="p-2">{i.weightKg ?? "—"}</td>
                <td className="p-2">{i.sealNumber ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card p-4 text-sm">
        <h2 className="font-semibold">Chain of custody</h2>
        <ul data-testid="batch-handoffs">
          {b.handoffs.map((h) => (
            <li key={h.id}>
              {day(h.at)}: {h.fromParty} → {h.toParty}, signed {h.signature}
            </li>
          ))}
        </ul>
        <p data-testid="batch-certificate">Certificate: {b.certificate ? `${b.certificate.filename} · ${b.certificate.size} bytes · SHA-256 ${b.certificate.sha256}` : "not attached"}</p>
      </section>
      <BatchActions id={b.id} open={b.status === "OPEN" && me.can.dispose} />
    </div>
  );
}
