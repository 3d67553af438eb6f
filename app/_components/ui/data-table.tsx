"use client";
/**
 * The data table every list uses: TanStack Table in manual mode (the server
 * filters, sorts and pages), its state (filters, sort, dir, page) in the URL,
 * so a reload or a shared link shows the same rows. Changing the URL re-renders
 * the Server Component page, which loads the next rows on the server; while it
 * does, the table says so (aria-busy, dimmed rows) instead of showing stale rows
 * as current. Sort headers and paging controls are 44 px touch targets.
 *
 * Outside a <UrlStateProvider> (short admin lists the server returns whole)
 * the table shows the rows it is given: no sorting, and paging only through
 * `onPage` (the caller keeps the page in its own state and fetches it).
 * A column's `meta.className` replaces the default cell classes.
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { plural } from "./format";
import { createContext, useCallback, useContext, useMemo, useTransition } from "react";

type TUrlState = {
  params: URLSearchParams;
  /** set (or with undefined, remove) URL parameters; any change but a page change goes back to page 1 */
  setParams: (patch: Record<string, string | undefined>) => void;
  pending: boolean;
};
const UrlStateContext = createContext<TUrlState | null>(null);

/** Holds the list's URL state for the filters and the table under it. */
export function UrlStateProvider({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const [pending, startTransition] = useTransition();
  const setParams = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(sp.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (!("page" in patch)) next.delete("page");
      const qs = next.toString();
      startTransition(() => router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false }));
    },
    [sp, router, pathname],
  );
  const value = useMemo(() => ({ params: new URLSearchParams(sp.toString()), setParams, pending }), [sp, setParams, pending]);
  return <UrlStateContext.Provider value={value}>{children}</UrlStateContext.Provider>;
}

export function useUrlState(): TUrlState {
  const s = useContext(UrlStateContext);
  if (!s) throw new Error("useUrlState needs <UrlStateProvider>");
  return s;
}

export type TPageInfo = { total: number; page: number; pages: number };
/** per-column options of DataTable, in a column's `meta` */
export type TColumnMeta = { className?: string };
const NO_URL = () => {};

export function DataTable<TRow>({
  columns,
  rows,
  rowKey,
  sort,
  dir,
  pageInfo,
  noun = ["row", "rows"],
  empty = "Nothing matches these filters.",
  testId,
  countTestId,
  caption,
  onPage,
  rowProps,
}: {
  columns: ColumnDef<TRow, any>[];
  rows: TRow[];
  rowKey: (r: TRow) => string;
  /** the sorted column's id and direction, as the server applied them */
  sort?: string;
  dir?: "asc" | "desc";
  /** server paging; without it every row is shown */
  pageInfo?: TPageInfo;
  noun?: [string, string];
  empty?: string;
  /** data-testid of <tbody> */
  testId?: string;
  countTestId?: string;
  caption?: string;
  /** client paging (outside a UrlStateProvider): called with the page to show */
  onPage?: (page: number) => void;
  /** extra attributes of a row: a class (e.g. greyed when inactive) and a data-testid */
  rowProps?: (r: TRow) => { className?: string; "data-testid"?: string };
}) {
  const url = useContext(UrlStateContext);
  const pending = url?.pending ?? false;
  const setParams = url?.setParams ?? NO_URL;
  const goTo = (page: number) => (onPage ? onPage(page) : setParams({ page: String(page) }));
  const sorting: SortingState = useMemo(() => (sort ? [{ id: sort, desc: dir === "desc" }] : []), [sort, dir]);
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: rowKey,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    enableSorting: url !== null,
    state: { sorting },
    onSortingChange: (updater) => {
      const s = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (s) setParams({ sort: s.id, dir: s.desc ? "desc" : "asc" });
    },
  });
  const count = (n: number) => plural(n, noun[0], noun[1]);

  const paging = (top: boolean) =>
    pageInfo && (
    <div className="flex flex-wrap items-center gap-3">
      <span className="text-slate-700 mr-auto" data-testid={top ? countTestId : undefined} aria-live={top ? "polite" : undefined}>
        {pending ? "Loading…" : `${count(pageInfo.total)} · page ${pageInfo.page} of ${Math.max(1, pageInfo.pages).toLocaleString("en")}`}
      </span>
      <button type="button" className="btn btn-secondary" disabled={pending || pageInfo.page <= 1} onClick={() => goTo(pageInfo.page - 1)}>
        Previous
      </button>
      <button type="button" className="btn btn-secondary" disabled={pending || pageInfo.page >= pageInfo.pages} onClick={() => goTo(pageInfo.page + 1)}>
        Next
      </button>
    </div>
  );

  return (
    <div className="space-y-3">
      {paging(true)}
      <div className="card overflow-x-auto">
        <table className="w-full text-left" aria-busy={pending}>
          {caption && <caption className="sr-only">{caption}</caption>}
          <thead className="bg-slate-100 text-slate-700">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  return (
                    <th key={h.id} className="px-3 py-1 font-medium whitespace-nowrap" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                      {h.column.getCanSort() ? (
                        <button type="button" className="inline-flex items-center gap-1 min-h-11 px-1" onClick={h.column.getToggleSortingHandler()} data-testid={`sort-${h.column.id}`}>
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <span aria-hidden>{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody data-testid={testId} className={pending ? "opacity-50" : undefined}>
            {table.getRowModel().rows.map((r) => {
              const extra = rowProps?.(r.original);
              return (
                <tr key={r.id} data-testid={extra?.["data-testid"]} className={`border-t border-slate-100 hover:bg-slate-50 ${extra?.className ?? ""}`}>
                  {r.getVisibleCells().map((c) => (
                    <td key={c.id} className={(c.column.columnDef.meta as TColumnMeta | undefined)?.className ?? "px-3 py-2.5 whitespace-nowrap"}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-3 py-8 text-center text-slate-600">{empty}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {pageInfo && pageInfo.pages > 1 && rows.length > 15 ? paging(false) : null}
    </div>
  );
}
