/** One purchase order: its state, lines, expected deliveries and the assets it ordered. */
import Link from "next/link";
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { PoActions } from "../../../../_components/procurement/forms";
import { day, money, PO_STATUS_LABEL } from "../../../../_components/procurement/format";

export const dynamic = "force-dynamic";

export default async function PoPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load(async (api) => ({ po: await api.procurement.purchaseOrder({ id }), me: await api.auth.me() }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { po, me } = r.data;
  const canWrite = me.role === "admin" || me.role === "procurement";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto" data-testid="po-heading">
          {po.number} · {po.vendorName}
        </h1>
        {canWrite && <PoActions id={po.id} number={po.number} status={po.status} />}
      </div>
      <p>
        Status <strong data-testid="po-status">{PO_STATUS_LABEL[po.status]}</strong>
        {po.late && <span className="ml-2 rounded bg-red-100 text-red-900 px-2">late against the committed lead time</span>} · total <span data-testid="po-total">{money(po.total, po.currency)}</span> · issued {day(po.issuedAt)} · received {day(po.receivedAt)}
        {po.rfqId && (
          <>
            {" "}
            ·{" "}
            <Link className="text-blue-800 underline" href={`/procurement/rfqs/${po.rfqId}`}>
              the RFQ
            </Link>
          </>
        )}
      </p>
      <div className="card overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="po-lines">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Line</th>
              <th className="p-2 text-right">Quantity</th>
              <th className="p-2 text-right">Unit price</th>
              <th className="p-2 text-right">Lead time</th>
              <th className="p-2">Expected</th>
              <th className="p-2 text-right">Received</th>
              <th className="p-2">Assets</th>
            </tr>
          </thead>
          <tbody>
            {po.lines.map((l) => (
              <tr key={l.id} className="border-t">
                <td className="p-2">
                  {l.lineNo}. {l.spec ?? "model line"}
                </td>
                <td className="p-2 text-right">{l.quantity}</td>
                <td className="p-2 text-right tabular-nums">{money(l.unitPrice)}</td>
                <td className="p-2 text-right">{l.leadTimeDays} days</td>
                <td className="p-2">{day(l.expectedAt)}</td>
                <td className="p-2 text-right">{l.receivedQty}</td>
                <td className="p-2">
                  {l.assetIds.slice(0, 20).map((a, i) => (
                    <Link key={a} className="text-blue-800 underline mr-2" href={`/assets/${a}`} prefetch={false}>
                      #{i + 1}
                    </Link>
                  ))}
                  {l.assetIds.length > 20 && `and ${l.assetIds.length - 20} more`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
