/** Procurement → purchase orders (server-rendered list). */
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { PoTable } from "../../../_components/procurement/lists";

export const dynamic = "force-dynamic";

export default async function PurchaseOrdersPage() {
  const r = await load((api) => api.procurement.purchaseOrders({}));
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Purchase orders</h1>
      {r.ok ? <PoTable rows={r.data.items} /> : <ErrorBox>{r.message}</ErrorBox>}
    </div>
  );
}
