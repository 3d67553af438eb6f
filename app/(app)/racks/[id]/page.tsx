/** One rack: its elevation (front and rear, printable), the placement plan with the technician's scan-to-rack, and its cables, green or red per port, live. */
import Link from "next/link";
import { load } from "../../../_lib/server-trpc";
import { ErrorBox } from "../../../_components/ui/form";
import { LiveRefresh } from "../../../_components/live-refresh";
import { CableLabelButton, ConfirmPlacement } from "../../../_components/cabling/rack-actions";
import { PortBoard } from "../ports/board";

export const dynamic = "force-dynamic";

export default async function RackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const r = await load(async (api) => {
    const [elevation, placements, cables, board, me] = await Promise.all([api.cabling.elevation({ rackId: id }), api.cabling.placements({ rackId: id }), api.cabling.cables({ rackId: id }), api.cabling.board({ rackId: id }), api.auth.me()]);
    return { elevation, placements, cables, board, canWrite: me.can.rack };
  });
  if (!r.ok) return <ErrorBox>{r.message}</ErrorBox>;
  const { elevation: e, placements, cables, board, canWrite } = r.data;
  const plans = placements.filter((p) => p.status === "PLANNED");
  return (
    <div className="space-y-4">
      <LiveRefresh channels={[`cabling:${id}`, ...board.devices.map((d) => `cabling:${d.assetId}`)].slice(0, 50)} throttleMs={1000} />
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">{e.rack.path}</h1>
        <span className="text-slate-700" data-testid="rack-power">
          {e.usedU}/{e.rack.heightU} U used, {e.reservedU} reserved · {e.powerW.racked} W drawn{e.powerW.planned ? ` (+${e.powerW.planned} W planned)` : ""}
          {e.powerW.budget !== null ? ` of ${e.powerW.budget} W` : ""}
        </span>
        <Link href="/racks" className="link min-h-11 inline-flex items-center print:hidden">
          All racks
        </Link>
      </div>
      <section className="flex flex-wrap gap-4" aria-label="Elevation" data-testid="elevation">
        <figure className="card p-2" dangerouslySetInnerHTML={{ __html: e.front }} />
        <figure className="card p-2" dangerouslySetInnerHTML={{ __html: e.rear }} />
      </section>
      {canWrite && plans.length > 0 && (
        <div className="print:hidden">
          <ConfirmPlacement plans={plans.map((p) => ({ assetTag: p.asset.assetTag, serial: p.asset.serial, rackUnit: p.rackUnit }))} />
        </div>
      )}
      <section className="card p-0 overflow-x-auto print:hidden">
        <h2 className="font-semibold p-3">Placement plan ({placements.length})</h2>
        <table className="w-full text-left text-sm" data-testid="placements">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">U</th>
              <th className="p-2">Face</th>
              <th className="p-2">Asset</th>
              <th className="p-2">Model</th>
              <th className="p-2">State</th>
            </tr>
          </thead>
          <tbody>
            {placements.map((p) => (
              <tr key={p.id} className="border-t">
                <td className="p-2">U{p.rackUnit}</td>
                <td className="p-2">{p.face.toLowerCase()}</td>
                <td className="p-2">
                  <Link className="link min-h-11 inline-flex items-center" href={`/assets/${p.assetId}`}>
                    {p.asset.assetTag ?? p.asset.serial}
                  </Link>
                </td>
                <td className="p-2">{p.asset.model}</td>
                <td className="p-2">{p.status.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card p-0 overflow-x-auto">
        <h2 className="font-semibold p-3">Cables ({cables.length})</h2>
        <table className="w-full text-left text-sm" data-testid="cables">
          <thead className="bg-slate-100">
            <tr>
              <th className="p-2">Cable</th>
              <th className="p-2">A end</th>
              <th className="p-2">B end</th>
              <th className="p-2">Type</th>
              <th className="p-2">State</th>
              <th className="p-2 print:hidden">Labels</th>
            </tr>
          </thead>
          <tbody>
            {cables.map((c) => (
              <tr key={c.id} className="border-t" data-testid={`cable-${c.label}`}>
                <td className="p-2 font-mono">{c.label}</td>
                <td className="p-2">
                  {c.a.name} {c.a.port}
                </td>
                <td className="p-2">
                  {c.b.name} {c.b.port}
                </td>
                <td className="p-2">
                  {c.type} {c.lengthM} m
                </td>
                <td className="p-2" data-testid={`cable-state-${c.label}`}>
                  {c.status.toLowerCase().replace("_", " ")}
                  {c.observed ? `: ${c.observed}` : ""}
                </td>
                <td className="p-2 print:hidden">
                  <CableLabelButton cableId={c.id} label={c.label} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <PortBoard board={board} />
    </div>
  );
}
