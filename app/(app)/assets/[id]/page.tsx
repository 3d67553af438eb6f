/**
 * One asset: record, parts, timeline (rendered on the server), the status
 * moves the server allows (a small client part on plain fetch), and the BMC
 * panel (rendered on the server with its data, so its text paints with the
 * page; the only part with react-query and the tRPC client, which wrap it
 * alone: bmc-section-panel.tsx).
 */
import Link from "next/link";
import { STATUS_META } from "@/server/domains/assets/status";
import { StatusBadge } from "../../../_components/assets/status-badge";
import { TransitionActions } from "../../../_components/assets/transition-actions";
import { LiveRefresh } from "../../../_components/live-refresh";
import { BmcSectionPanel } from "../../../_components/assets/bmc-section-panel";
import { AssetPosture } from "../../../_components/firmware/asset-posture";
import { fmtTime } from "../../../_components/ui/format";
import { load, requireMe } from "../../../_lib/server-trpc";

export default async function AssetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [me, asset, bmc, posture] = await Promise.all([requireMe(), load((api) => api.assets.get({ id })), load((api) => api.bmc.forAsset({ assetId: id })), load((api) => api.firmware.assetPosture({ assetId: id }))]);
  if (!asset.ok) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{asset.message}</p>;
  const a = asset.data;

  const last = a.events[0];
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {/* live: status, timeline and parts follow changes made anywhere */}
      <LiveRefresh channels={`asset:${a.id}`} />
      <section className="card p-5 space-y-4 lg:col-span-2">
        <div className="flex flex-wrap items-start gap-3">
          <div className="mr-auto">
            <p className="text-sm text-slate-600">{a.model.manufacturer} · {a.model.kind}</p>
            <h1 className="text-2xl font-semibold">{a.model.name}</h1>
            <p className="font-mono text-lg" data-testid="asset-ids">{a.assetTag ? `${a.assetTag} · ${a.serial}` : a.serial}</p>
            {!a.assetTag && <p className="text-sm text-slate-600">No asset tag yet</p>}
          </div>
          <div className="text-right space-y-1">
            <div data-testid="asset-status"><StatusBadge status={a.status} /></div>
            {a.heldStatus && <p className="text-sm text-slate-600">held from {STATUS_META[a.heldStatus].label}</p>}
          </div>
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-base">
          <dt className="text-slate-600">Location</dt>
          <dd>{a.location ? `${a.location.path}${a.rackUnit ? ` · U${a.rackUnit}` : ""}` : "—"}</dd>
          <dt className="text-slate-600">Part number</dt>
          <dd className="font-mono">{a.model.partNumber}</dd>
          <dt className="text-slate-600">Vendor</dt>
          <dd>{a.vendor?.name ?? "—"}</dd>
          {a.parent && (
            <>
              <dt className="text-slate-600">Part of</dt>
              <dd><Link className="text-blue-800 underline" href={`/assets/${a.parent.id}`} prefetch={false}>{a.parent.assetTag ?? a.parent.serial}</Link></dd>
            </>
          )}
          {a.notes && (
            <>
              <dt className="text-slate-600">Notes</dt>
              <dd>{a.notes}</dd>
            </>
          )}
        </dl>

        <TransitionActions key={a.id} assetId={a.id} label={a.assetTag ?? a.serial} status={a.status} version={a.version} allowed={a.allowedTransitions} lastChange={last ? { by: last.actorName, from: last.fromStatus, to: last.toStatus, at: last.at } : null} />

        <div className="space-y-2">
          <h2 className="text-lg font-semibold">Parts ({a.parts.length})</h2>
          {a.parts.length === 0 ? (
            <p className="text-slate-600">No parts recorded.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {a.parts.map((p) => (
                <li key={p.id} className="py-2 flex items-center gap-3">
                  <Link className="font-mono text-blue-800 underline min-h-11 inline-flex items-center" href={`/assets/${p.id}`} prefetch={false}>{p.assetTag ?? p.serial}</Link>
                  <span>{p.model.manufacturer} {p.model.name}</span>
                  <StatusBadge status={p.status} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>

      <section className="card p-5 space-y-3">
        <h2 className="text-lg font-semibold">Timeline</h2>
        <ol className="space-y-3" data-testid="timeline">
          {a.events.map((e) => (
            <li key={e.id} className="border-l-4 border-slate-300 pl-3" data-testid="timeline-event">
              <p className="font-medium">
                {e.fromStatus ? `${STATUS_META[e.fromStatus].label} → ` : ""}
                {STATUS_META[e.toStatus].label}
                {e.payload?.doa === true && <span className="ml-2 rounded bg-red-100 px-1.5 text-sm text-red-800">DOA</span>}
              </p>
              <p className="text-sm text-slate-600">{fmtTime(e.at)} · {e.actorName}</p>
              {e.reason && <p className="text-sm">“{e.reason}”</p>}
            </li>
          ))}
        </ol>
      </section>

      <AssetPosture assetId={a.id} posture={posture.ok ? posture.data : null} />

      <BmcSectionPanel assetId={a.id} initial={bmc.ok ? bmc.data : undefined} can={{ power: me.can.power, decideFindings: me.can.decideFindings, editBmc: me.can.editBmc, approveCredentials: me.can.administer }} />
    </div>
  );
}
