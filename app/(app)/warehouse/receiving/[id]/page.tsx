/** One receipt: the scanning station. */
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { ReceivingStation } from "../_components/station";

export const dynamic = "force-dynamic";

export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load((api) => api.receiving.receipt({ id }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  return <ReceivingStation initial={r.data} />;
}
