/** One device's cabling (a switch, or a server): every port green or red, live as LLDP is reported. */
import { load } from "../../../../_lib/server-trpc";
import { ErrorBox } from "../../../../_components/ui/form";
import { LiveRefresh } from "../../../../_components/live-refresh";
import { PortBoard } from "../board";

export const dynamic = "force-dynamic";

export default async function DevicePorts({ params }: { params: Promise<{ assetId: string }> }) {
  const { assetId } = await params;
  const r = await load((api) => api.cabling.board({ assetId }));
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  return (
    <div className="space-y-4">
      <LiveRefresh channels={`cabling:${assetId}`} throttleMs={1000} />
      <h1 className="text-2xl font-semibold">Cabling of {r.data.title}</h1>
      <PortBoard board={r.data} />
    </div>
  );
}
