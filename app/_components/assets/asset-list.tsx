/**
 * The asset list, rendered on the server: the rows, sort headers and paging
 * are HTML links (../ui/link-table.tsx); the browser runs only the filters
 * (./asset-filters.tsx), the link handling with its loading state
 * (../ui/list-nav.tsx) and the live refresh. A filter, sort or page change
 * rewrites the URL and the server sends the rows.
 */
import type { TAssetSummary } from "@/server/domains/assets/schema";
import { LiveRefresh } from "../live-refresh";
import { fmtTime } from "../ui/format";
import { LinkTable, type THrefWith, type TLinkColumn, type TPageInfo } from "../ui/link-table";
import { ListNav } from "../ui/list-nav";
import { AssetFilters } from "./asset-filters";
import { StatusBadge } from "./status-badge";

export type TAssetRow = Pick<TAssetSummary, "id" | "serial" | "assetTag" | "status" | "rackUnit" | "updatedAt"> & {
  model: { name: string; manufacturer: string };
  location: { path: string } | null;
};
type TOption = { id: string; label: string };

// fixed shares of the width that fit a tablet's 1024 px; a very long serial or model name wraps in its cell
const columns: TLinkColumn<TAssetRow>[] = [
  { id: "serial", header: "Serial", sort: "asc", width: "18%", cell: (r) => r.serial, className: "font-mono" },
  { id: "assetTag", header: "Asset tag", sort: "asc", width: "12%", cell: (r) => r.assetTag ?? "—", className: "font-mono" },
  { id: "status", header: "Status", sort: "asc", width: "15%", cell: (r) => <StatusBadge status={r.status} /> },
  { id: "model", header: "Model", width: "18%", cell: (r) => `${r.model.manufacturer} ${r.model.name}`, className: "text-sm" },
  { id: "location", header: "Location", width: "21%", cell: (r) => (r.location ? `${r.location.path}${r.rackUnit ? `\u00a0U${r.rackUnit}` : ""}` : "—"), className: "text-sm" },
  // the zone is in the header, so the time fits one line
  { id: "updatedAt", header: "Updated (UTC)", sort: "desc", width: "16%", cell: (r) => fmtTime(r.updatedAt).replace(/ UTC$/, ""), className: "text-sm" },
];

export function AssetList(props: {
  rows: TAssetRow[];
  pageInfo: TPageInfo;
  sort: string;
  dir: "asc" | "desc";
  hrefWith: THrefWith;
  filters: { q: string; status: string; modelId: string; locationId: string };
  models: TOption[];
  locations: TOption[];
  canRegister: boolean;
  error?: string;
}) {
  return (
    <ListNav className="space-y-4" testId="asset-list">
      {/* live: rows and counts follow changes anywhere (at most one refresh a second) */}
      <LiveRefresh channels="asset" throttleMs={1000} />
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto">Assets</h1>
        {props.canRegister && <a className="btn btn-primary" href="/assets/new" data-testid="register-asset">Register asset</a>}
      </div>
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" role="search" aria-label="Filter assets">
        <AssetFilters filters={props.filters} models={props.models} locations={props.locations} />
      </div>
      {props.error && <p role="alert" className="rounded-lg bg-red-50 border border-red-200 text-red-800 px-3 py-2">{props.error}</p>}
      <LinkTable
        columns={columns}
        rows={props.rows}
        rowKey={(r) => r.id}
        rowHref={(r) => `/assets/${r.id}`}
        linkColumn="serial"
        sort={props.sort}
        dir={props.dir}
        hrefWith={props.hrefWith}
        pageInfo={props.pageInfo}
        noun={["asset", "assets"]}
        empty="No assets match these filters."
        caption="Assets"
        testId="asset-rows"
        countTestId="asset-count"
      />
    </ListNav>
  );
}
