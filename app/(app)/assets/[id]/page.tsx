"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";
import { STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import { BmcPanel } from "../../../_components/bmc-panel";
import { useLive } from "../../../_components/live";
import { StatusBadge } from "../../../_components/status-badge";
import { errorInfo, useTRPC } from "../../../_components/trpc";

export default function AssetPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const asset = useQuery(trpc.assets.get.queryOptions({ id }));
  const [pending, setPending] = useState<TAssetStatus | null>(null);
  const [reason, setReason] = useState("");
  const move = useMutation(
    trpc.assets.transition.mutationOptions({
      onSuccess: async () => {
        setPending(null);
        setReason("");
        await qc.invalidateQueries({ queryKey: trpc.assets.get.queryKey({ id }) });
        await qc.invalidateQueries({ queryKey: trpc.assets.list.queryKey() });
      },
      onError: async () => {
        await qc.invalidateQueries({ queryKey: trpc.assets.get.queryKey({ id }) });
      },
    }),
  );

  // live: status, record and timeline follow changes made elsewhere (the asset list refetches on its own channel)
  useLive(`asset:${id}`, () => void qc.invalidateQueries({ queryKey: trpc.assets.get.queryKey({ id }) }));

  if (asset.isError) return <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(asset.error).message}</p>;
  const a = asset.data;
  if (!a) return <p className="text-slate-600">Loading…</p>;

  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <section className="card p-5 space-y-4 lg:col-span-2">
        <div className="flex flex-wrap items-start gap-3">
          <div className="mr-auto">
            <p className="text-sm text-slate-600">{a.model.manufacturer} · {a.model.kind}</p>
            <h1 className="text-2xl font-semibold">{a.model.name}</h1>
            <p className="font-mono text-lg" data-testid="asset-ids">{a.assetTag ?? "no tag"} · {a.serial}</p>
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
              <dd><Link className="text-blue-800 underline" href={`/assets/${a.parent.id}`}>{a.parent.assetTag ?? a.parent.serial}</Link></dd>
            </>
          )}
          {a.notes && (
            <>
              <dt className="text-slate-600">Notes</dt>
              <dd>{a.notes}</dd>
            </>
          )}
        </dl>

        <div className="space-y-2">
          <h2 className="text-lg font-semibold">Actions</h2>
          {a.allowedTransitions.length === 0 && <p className="text-slate-600">Your role has no status change to make here.</p>}
          <div className="flex flex-wrap gap-2">
            {a.allowedTransitions.map((to) => (
              <button key={to} className={`btn ${to === "FAILED" || to === "QUARANTINE" ? "btn-secondary text-red-800" : "btn-primary"}`} onClick={() => { move.reset(); setPending(to); }} data-testid={`transition-${to}`}>
                {a.status === "QUARANTINE" ? `Release to ${STATUS_META[to].label}` : `→ ${STATUS_META[to].label}`}
              </button>
            ))}
          </div>
          {move.isError && <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(move.error).message}</p>}
        </div>

        <div className="space-y-2">
          <h2 className="text-lg font-semibold">Parts ({a.parts.length})</h2>
          {a.parts.length === 0 ? (
            <p className="text-slate-600">No parts recorded.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {a.parts.map((p) => (
                <li key={p.id} className="py-2 flex items-center gap-3">
                  <Link className="font-mono text-blue-800 underline" href={`/assets/${p.id}`}>{p.assetTag ?? p.serial}</Link>
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
              <p className="text-sm text-slate-600">{e.at.toLocaleString()} · {e.actorName}</p>
              {e.reason && <p className="text-sm">“{e.reason}”</p>}
            </li>
          ))}
        </ol>
      </section>

      <BmcPanel assetId={a.id} />
      {pending && (
        <div className="fixed inset-0 z-30 flex items-center justify-center bg-black/40 p-4" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
          <form
            className="card w-full max-w-lg p-6 space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              move.mutate({ assetId: a.id, to: pending, expectedVersion: a.version, reason: reason.trim() || undefined });
            }}
          >
            <h2 id="confirm-title" className="text-xl font-semibold">
              Move {a.assetTag ?? a.serial} from {STATUS_META[a.status].label} to {STATUS_META[pending].label}?
            </h2>
            <label className="block space-y-1">
              <span className="text-slate-700">Reason or note (optional)</span>
              <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="transition-reason" />
            </label>
            {move.isError && <p role="alert" className="text-red-800">{errorInfo(move.error).message}</p>}
            <div className="flex justify-end gap-2">
              <button type="button" className="btn btn-secondary" onClick={() => setPending(null)}>Cancel</button>
              <button type="submit" className="btn btn-primary" disabled={move.isPending} data-testid="confirm-transition">
                {move.isPending ? "Saving…" : "Confirm"}
              </button>
            </div>
          </form>
        </div>
      )}
    </div>
  );
}
