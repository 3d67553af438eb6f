"use client";
/**
 * The asset list's interactive part: filters and the data table. Its rows come
 * from the Server Component page (rendered on the server for this URL); a
 * filter, sort or page change rewrites the URL and the server sends the rows.
 */
import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { ASSET_STATUSES, STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import { DataTable, UrlStateProvider, useUrlState, type TPageInfo } from "../ui/data-table";
import { fmtTime } from "../ui/format";
import { StatusBadge } from "./status-badge";
import { LiveRefresh } from "../live-refresh";

export type TAssetRow = {
  id: string;
  serial: string;
  assetTag: string | null;
  status: TAssetStatus;
  model: { name: string; manufacturer: string; kind: string };
  location: { path: string } | null;
  rackUnit: number | null;
  updatedAt: Date;
};
type TOption = { id: string; label: string };

const col = createColumnHelper<TAssetRow>();
// no prefetch: 50 rows would ask the server to render up to 50 asset pages while this one is still
// loading (each a request and main-thread work on a tablet); the asset page renders fast enough on a tap
const assetLink = (id: string, text: string) => (
  <Link className="font-mono text-blue-800 underline-offset-2 hover:underline" href={`/assets/${id}`} prefetch={false}>
    {text}
  </Link>
);
const columns = [
  col.accessor("assetTag", { header: "Asset tag", cell: (c) => assetLink(c.row.original.id, c.getValue() ?? "—") }),
  col.accessor("serial", { header: "Serial", cell: (c) => assetLink(c.row.original.id, c.getValue()) }),
  col.accessor("status", { header: "Status", cell: (c) => <StatusBadge status={c.getValue()} /> }),
  col.accessor((r) => `${r.model.manufacturer} ${r.model.name}`, { id: "model", header: "Model", enableSorting: false }),
  col.accessor((r) => (r.location ? `${r.location.path}${r.rackUnit ? ` U${r.rackUnit}` : ""}` : "—"), { id: "location", header: "Location", enableSorting: false }),
  col.accessor("updatedAt", { header: "Updated", cell: (c) => fmtTime(c.getValue()) }),
];

export function AssetList(props: {
  rows: TAssetRow[];
  pageInfo: TPageInfo;
  sort: string;
  dir: "asc" | "desc";
  filters: { q: string; status: string; modelId: string; locationId: string };
  models: TOption[];
  locations: TOption[];
  canRegister: boolean;
  error?: string;
}) {
  return (
    <UrlStateProvider>
      {/* live: rows and counts follow changes anywhere (at most one refresh a second) */}
      <LiveRefresh channels="asset" throttleMs={1000} />
      <AssetListInner {...props} />
    </UrlStateProvider>
  );
}

function AssetListInner({ rows, pageInfo, sort, dir, filters, models, locations, canRegister, error }: Parameters<typeof AssetList>[0]) {
  const { setParams } = useUrlState();
  const [q, setQ] = useState(filters.q);
  const lastSent = useRef(filters.q);
  useEffect(() => {
    if (q === lastSent.current) return;
    const t = setTimeout(() => {
      lastSent.current = q;
      setParams({ q: q.trim() || undefined });
    }, 300);
    return () => clearTimeout(t);
  }, [q, setParams]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Assets</h1>
        {canRegister && <Link className="btn btn-primary" href="/assets/new" data-testid="register-asset">Register asset</Link>}
        <label className="space-y-1">
          <span className="block text-sm text-slate-700">Serial or tag starts with</span>
          <input className="input w-56 font-mono" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. SN12 or IL-00" data-testid="filter-q" />
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-700">Status</span>
          <select className="input w-48" value={filters.status} onChange={(e) => setParams({ status: e.target.value || undefined })} data-testid="filter-status">
            <option value="">All statuses</option>
            {ASSET_STATUSES.map((s) => (
              <option key={s} value={s}>{STATUS_META[s].label}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-700">Model</span>
          <select className="input w-56" value={filters.modelId} onChange={(e) => setParams({ model: e.target.value || undefined })} data-testid="filter-model">
            <option value="">All models</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>{m.label}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-700">Location</span>
          <select className="input w-56" value={filters.locationId} onChange={(e) => setParams({ location: e.target.value || undefined })} data-testid="filter-location">
            <option value="">Anywhere</option>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>{l.label}</option>
            ))}
          </select>
        </label>
      </div>
      {error && <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{error}</p>}
      <DataTable columns={columns} rows={rows} rowKey={(r) => r.id} sort={sort} dir={dir} pageInfo={pageInfo} noun={["asset", "assets"]} empty="No assets match these filters." testId="asset-rows" countTestId="asset-count" caption="Assets" />
    </div>
  );
}
