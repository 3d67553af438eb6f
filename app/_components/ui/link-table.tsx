/**
 * A list rendered on the server as plain HTML: rows, sort headers and paging
 * are links, so the browser gets no table code to run, and a tablet shows
 * and scrolls the rows before any script has loaded. Put it inside
 * <ListNav> (./list-nav.tsx), which turns those links into client navigations
 * and shows the loading state while the server sends the next rows.
 *
 * For a finger: the whole row opens the row's page (one link per row, its
 * area stretched over the row); sort headers and paging links are 44 px
 * targets; paging sits above the rows (and again below a long page); cells
 * wrap instead of scrolling sideways.
 *
 * Light to render: the columns have fixed shares of the width (table-layout:
 * fixed, one layout pass, and columns that do not jump from page to page), and
 * cell styles are set once on the table rather than on every cell.
 */
import { plural } from "./format";
import { ListStatus } from "./list-nav";

export type TLinkColumn<TRow> = {
  id: string;
  header: string;
  cell: (r: TRow) => React.ReactNode;
  /** sortable by the server under this column's id; the first click sorts this way */
  sort?: "asc" | "desc";
  /** share of the table's width, e.g. "20%" */
  width: string;
  /** extra classes of the cells (every cell has padding and wraps anywhere) */
  className?: string;
};
export type TPageInfo = { total: number; page: number; pages: number };
/** a URL of this list with some parameters changed (undefined removes one); paging only through `page` */
export type THrefWith = (patch: Record<string, string | undefined>) => string;

export function LinkTable<TRow>({
  columns,
  rows,
  rowKey,
  rowHref,
  linkColumn,
  sort,
  dir,
  hrefWith,
  pageInfo,
  noun,
  empty,
  caption,
  testId,
  countTestId,
}: {
  columns: TLinkColumn<TRow>[];
  rows: TRow[];
  rowKey: (r: TRow) => string;
  /** the page a row opens */
  rowHref: (r: TRow) => string;
  /** the column whose cell holds the row's link (its text names the row) */
  linkColumn: string;
  sort: string;
  dir: "asc" | "desc";
  hrefWith: THrefWith;
  pageInfo: TPageInfo;
  noun: [string, string];
  empty: string;
  caption: string;
  /** data-testid of <tbody> */
  testId?: string;
  countTestId?: string;
}) {
  const pages = Math.max(1, pageInfo.pages);
  const summary = `${plural(pageInfo.total, noun[0], noun[1])} · page ${pageInfo.page.toLocaleString("en")} of ${pages.toLocaleString("en")}`;
  const pageLink = (to: number, label: string, bottom: boolean) =>
    to < 1 || to > pages ? (
      <span className="btn btn-secondary opacity-50 cursor-not-allowed" aria-disabled="true">{label}</span>
    ) : (
      <a className="btn btn-secondary" href={hrefWith({ page: to > 1 ? String(to) : undefined })} data-scroll={bottom ? "top" : undefined} data-testid={bottom ? undefined : `page-${label.toLowerCase()}`}>
        {label}
      </a>
    );
  const paging = (bottom: boolean) => (
    <nav className="flex flex-wrap items-center gap-3" aria-label={bottom ? "Pages (bottom)" : "Pages"}>
      <span className="mr-auto">{bottom ? <span className="text-slate-700">{summary}</span> : <ListStatus text={summary} testId={countTestId} />}</span>
      {pageLink(pageInfo.page - 1, "Previous", bottom)}
      {pageLink(pageInfo.page + 1, "Next", bottom)}
    </nav>
  );

  return (
    <div className="space-y-3">
      {paging(false)}
      <div className="card relative overflow-x-auto">
        <table className="w-full table-fixed text-left [&_td]:px-3 [&_td]:py-3 [&_td]:[overflow-wrap:anywhere]">
          <caption className="sr-only">{caption}</caption>
          <colgroup>
            {columns.map((c) => (
              <col key={c.id} style={{ width: c.width }} />
            ))}
          </colgroup>
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              {columns.map((c) => {
                const sorted = sort === c.id ? dir : undefined;
                return (
                  <th key={c.id} scope="col" className="px-3 py-1 font-medium whitespace-nowrap" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                    {c.sort ? (
                      <a className="inline-flex items-center gap-1 min-h-11 px-1 -mx-1 hover:underline" href={hrefWith({ sort: c.id, dir: sorted ? (sorted === "asc" ? "desc" : "asc") : c.sort })} data-testid={`sort-${c.id}`}>
                        {c.header}
                        <span aria-hidden>{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                      </a>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody data-testid={testId} className="group-data-[pending=true]/list:opacity-40">
            {rows.map((r) => (
              // the row's one link covers the row (after:absolute on a relative row): a tap anywhere opens it
              <tr key={rowKey(r)} className="relative border-t border-slate-100 hover:bg-slate-50 focus-within:bg-blue-50">
                {columns.map((c) => (
                  <td key={c.id} className={c.className}>
                    {c.id === linkColumn ? (
                      <a className="text-blue-800 underline-offset-2 hover:underline after:absolute after:inset-0 focus-visible:outline-none focus-visible:underline" href={rowHref(r)}>
                        {c.cell(r)}
                      </a>
                    ) : (
                      c.cell(r)
                    )}
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-3 py-8 text-center text-slate-600">{empty}</td>
              </tr>
            )}
          </tbody>
        </table>
        {/* while the next rows load, the old ones are covered: they are not the answer to the new question */}
        <div className="absolute inset-x-0 bottom-0 top-12 hidden justify-center bg-white/60 pt-10 group-data-[pending=true]/list:flex" data-testid="list-loading" aria-hidden="true">
          <span className="card h-fit px-4 py-2 font-medium text-slate-800">Loading…</span>
        </div>
      </div>
      {pageInfo.pages > 1 && rows.length > 15 ? paging(true) : null}
    </div>
  );
}
