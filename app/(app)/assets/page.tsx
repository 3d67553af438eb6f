/**
 * The asset list. A Server Component: the rows are rendered on the server from
 * the URL (?q, status, model, location, sort, dir, page), so a tablet shows
 * data with the first response and runs next to no script for it; only the
 * filters are a client part (app/_components/assets/asset-list.tsx).
 */
import { ASSET_STATUSES, type TAssetStatus } from "@/server/domains/assets/status";
import { ASSET_SORT_FIELDS } from "@/server/domains/assets/schema";
import { AssetList } from "../../_components/assets/asset-list";
import { load, requireMe } from "../../_lib/server-trpc";

type TSearch = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const PAGE_SIZE = 50;

export default async function AssetsPage({ searchParams }: { searchParams: Promise<TSearch> }) {
  const sp = await searchParams;
  const status = one(sp.status).split(",").filter((s): s is TAssetStatus => (ASSET_STATUSES as readonly string[]).includes(s));
  const sort = (ASSET_SORT_FIELDS as readonly string[]).includes(one(sp.sort)) ? (one(sp.sort) as (typeof ASSET_SORT_FIELDS)[number]) : "updatedAt";
  const dir = one(sp.dir) === "asc" ? "asc" : "desc";
  const page = Math.min(100_000, Math.max(1, Math.floor(Number(one(sp.page))) || 1));
  const q = one(sp.q).trim().slice(0, 64);
  const modelId = one(sp.model);
  const locationId = one(sp.location);

  const [me, list, models, locations] = await Promise.all([
    requireMe(),
    load((api) => api.assets.list({ status: status.length ? status : undefined, modelId: modelId || undefined, locationId: locationId || undefined, q: q || undefined, sort, dir, page, pageSize: PAGE_SIZE })),
    load((api) => api.catalog.models()),
    load((api) => api.locations.list()),
  ]);
  const data = list.ok ? list.data : { items: [], total: 0, page: 1, pages: 1 };
  // links of this list keep every other parameter; any change but a page change goes back to page 1
  const hrefWith = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(sp)) if (k !== "page" && one(v)) next.set(k, one(v));
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const qs = next.toString();
    return qs ? `/assets?${qs}` : "/assets";
  };
  return (
    <AssetList
      rows={data.items}
      pageInfo={{ total: data.total, page: data.page, pages: data.pages }}
      sort={sort}
      dir={dir}
      hrefWith={hrefWith}
      filters={{ q, status: status[0] ?? "", modelId, locationId }}
      models={models.ok ? models.data.map((m) => ({ id: m.id, label: `${m.manufacturer.name} ${m.name}` })) : []}
      locations={locations.ok ? locations.data.map((l) => ({ id: l.id, label: l.path })) : []}
      canRegister={me.can.registerAssets}
      error={list.ok ? undefined : list.message}
    />
  );
}
