"use client";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useMemo, useState } from "react";
import { ASSET_STATUSES, STATUS_META, type TAssetStatus } from "@/server/domains/assets/status";
import type { TAssetSummary } from "@/server/domains/assets/schema";
import { StatusBadge } from "../../_components/status-badge";
import { useLive } from "../../_components/live";
import { errorInfo, useTRPC } from "../../_components/trpc";

const SORTABLE = ["serial", "assetTag", "status", "updatedAt"] as const;
type TSort = (typeof SORTABLE)[number];

const col = createColumnHelper<TAssetSummary>();
const columns = [
  col.accessor("assetTag", { header: "Asset tag", cell: (c) => <Link className="font-mono text-blue-800 underline-offset-2 hover:underline" href={`/assets/${c.row.original.id}`}>{c.getValue() ?? "—"}</Link> }),
  col.accessor("serial", { header: "Serial", cell: (c) => <Link className="font-mono text-blue-800 underline-offset-2 hover:underline" href={`/assets/${c.row.original.id}`}>{c.getValue()}</Link> }),
  col.accessor("status", { header: "Status", cell: (c) => <StatusBadge status={c.getValue()} /> }),
  col.accessor((r) => `${r.model.manufacturer} ${r.model.name}`, { id: "model", header: "Model", enableSorting: false }),
  col.accessor((r) => (r.location ? `${r.location.path}${r.rackUnit ? ` U${r.rackUnit}` : ""}` : "—"), { id: "location", header: "Location", enableSorting: false }),
  col.accessor("updatedAt", { header: "Updated", cell: (c) => c.getValue().toLocaleString() }),
];

function AssetList() {
  const trpc = useTRPC();
  const router = useRouter();
  const sp = useSearchParams();
  const [q, setQ] = useState(sp.get("q") ?? "");
  const [debouncedQ, setDebouncedQ] = useState(q);
  const status = (sp.get("status")?.split(",").filter((s) => (ASSET_STATUSES as readonly string[]).includes(s)) ?? []) as TAssetStatus[];
  const modelId = sp.get("model") ?? undefined;
  const locationId = sp.get("location") ?? undefined;
  const sort = ((SORTABLE as readonly string[]).includes(sp.get("sort") ?? "") ? sp.get("sort") : "updatedAt") as TSort;
  const dir = sp.get("dir") === "asc" ? "asc" : "desc";
  const page = Math.max(1, Number(sp.get("page")) || 1);
  const pageSize = 50;

  const setParams = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(sp.toString());
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in patch)) next.delete("page");
    router.replace(`/assets?${next.toString()}`);
  };

  useEffect(() => {
    const t = setTimeout(() => setDebouncedQ(q), 250);
    return () => clearTimeout(t);
  }, [q]);
  useEffect(() => {
    if ((sp.get("q") ?? "") !== debouncedQ) setParams({ q: debouncedQ || undefined });
  }, [debouncedQ]);

  const input = { status: status.length ? status : undefined, modelId, locationId, q: sp.get("q") || undefined, sort, dir, page, pageSize } as const;
  const list = useQuery(trpc.assets.list.queryOptions(input, { placeholderData: keepPreviousData }));
  // live: rows and counts follow changes anywhere (at most one refetch a second)
  const qc = useQueryClient();
  useLive("asset", () => void qc.invalidateQueries({ queryKey: trpc.assets.list.queryKey() }), { throttleMs: 1000 });
  const models = useQuery(trpc.catalog.models.queryOptions());
  const locations = useQuery(trpc.locations.list.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const canRegister = ["admin", "procurement", "warehouse"].includes(me.data?.role ?? "");

  const sorting: SortingState = useMemo(() => [{ id: sort, desc: dir === "desc" }], [sort, dir]);
  const table = useReactTable({
    data: list.data?.items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const s = next[0];
      setParams({ sort: s?.id ?? "updatedAt", dir: s?.desc === false ? "asc" : "desc" });
    },
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Assets</h1>
        {canRegister && <Link className="btn btn-primary" href="/assets/new" data-testid="register-asset">Register asset</Link>}
        <label className="space-y-1">
          <span className="block text-sm text-slate-600">Serial or tag starts with</span>
          <input className="input w-56 font-mono" value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. SN12 or IL-00" data-testid="filter-q" />
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-600">Status</span>
          <select className="input w-48" value={status[0] ?? ""} onChange={(e) => setParams({ status: e.target.value || undefined })} data-testid="filter-status">
            <option value="">All statuses</option>
            {ASSET_STATUSES.map((s) => (
              <option key={s} value={s}>{STATUS_META[s].label}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-600">Model</span>
          <select className="input w-56" value={modelId ?? ""} onChange={(e) => setParams({ model: e.target.value || undefined })}>
            <option value="">All models</option>
            {models.data?.map((m) => (
              <option key={m.id} value={m.id}>{m.manufacturer.name} {m.name}</option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="block text-sm text-slate-600">Location</span>
          <select className="input w-56" value={locationId ?? ""} onChange={(e) => setParams({ location: e.target.value || undefined })}>
            <option value="">Anywhere</option>
            {locations.data?.map((l) => (
              <option key={l.id} value={l.id}>{l.path}</option>
            ))}
          </select>
        </label>
      </div>

      {list.isError && <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{errorInfo(list.error).message}</p>}

      <div className="card overflow-x-auto">
        <table className="w-full text-left">
          <thead className="bg-slate-100 text-slate-700">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => (
                  <th key={h.id} className="px-3 py-3 font-medium whitespace-nowrap">
                    {h.column.getCanSort() ? (
                      <button className="inline-flex items-center gap-1 min-h-8" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden>{h.column.getIsSorted() === "asc" ? "▲" : h.column.getIsSorted() === "desc" ? "▼" : "↕"}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody data-testid="asset-rows">
            {table.getRowModel().rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100 hover:bg-slate-50">
                {r.getVisibleCells().map((c) => (
                  <td key={c.id} className="px-3 py-2.5 whitespace-nowrap">{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
              </tr>
            ))}
            {list.data && list.data.items.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-3 py-8 text-center text-slate-600">No assets match these filters.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div className="flex items-center gap-3">
        <span className="text-slate-600 mr-auto" data-testid="asset-count">
          {list.data ? `${list.data.total.toLocaleString()} assets · page ${list.data.page} of ${list.data.pages.toLocaleString()}` : "Loading…"}
        </span>
        <button className="btn btn-secondary" disabled={page <= 1} onClick={() => setParams({ page: String(page - 1) })}>Previous</button>
        <button className="btn btn-secondary" disabled={!list.data || page >= list.data.pages} onClick={() => setParams({ page: String(page + 1) })}>Next</button>
      </div>
    </div>
  );
}

export default function AssetsPage() {
  return (
    <Suspense>
      <AssetList />
    </Suspense>
  );
}
