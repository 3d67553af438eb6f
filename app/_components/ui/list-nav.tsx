"use client";
/**
 * The small client part of a server-rendered list (the rows, sort headers and
 * paging are plain links in server HTML). <ListNav> catches clicks on links
 * inside it and navigates in one React transition, so the whole list knows at
 * once that the next rows are on their way: the wrapper gets `aria-busy` and
 * `data-pending`, which the server HTML styles (stale rows dimmed and covered
 * by a "Loading…" note, see ListLoadingCover) and <ListStatus> says "Loading…".
 * Filters call `useListNav().setParams` and share the same state.
 *
 * Ctrl/⌘/middle clicks and links with a target are left to the browser.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useState, useTransition } from "react";

type TListNav = {
  pending: boolean;
  /** set (or with undefined, remove) URL parameters; any change but a page change goes back to page 1 */
  setParams: (patch: Record<string, string | undefined>) => void;
  /** a change is about to be sent (e.g. typing in a search box): show the loading state already */
  setSoon: (soon: boolean) => void;
};
const Ctx = createContext<TListNav | null>(null);

export function useListNav(): TListNav {
  const v = useContext(Ctx);
  if (!v) throw new Error("useListNav needs <ListNav>");
  return v;
}

export function ListNav({ children, className, testId }: { children: React.ReactNode; className?: string; testId?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [soon, setSoon] = useState(false);

  const go = useCallback(
    (href: string, scroll: boolean) => {
      setSoon(false);
      startTransition(() => router.push(href, { scroll }));
    },
    [router],
  );
  const setParams = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(sp.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (!("page" in patch)) next.delete("page");
      const qs = next.toString();
      go(qs ? `${pathname}?${qs}` : pathname, false);
    },
    [sp, pathname, go],
  );

  const onClick = (e: React.MouseEvent<HTMLDivElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest("a");
    if (!a || !e.currentTarget.contains(a) || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href);
    if (url.origin !== window.location.origin) return;
    e.preventDefault();
    // another page (an asset) and the lower paging bar start at the top; sort and the upper bar stay put
    go(`${url.pathname}${url.search}`, url.pathname !== pathname || a.dataset.scroll === "top");
  };

  const busy = pending || soon;
  const value = useMemo(() => ({ pending: busy, setParams, setSoon }), [busy, setParams]);
  return (
    <Ctx.Provider value={value}>
      {/* the clicks handled here come from the links inside; keyboard users activate those links themselves */}
      <div onClick={onClick} aria-busy={busy} data-pending={busy} className={`group/list ${className ?? ""}`} data-testid={testId}>
        {children}
      </div>
    </Ctx.Provider>
  );
}

/** "75 assets · page 1 of 2", or "Loading…" while the next rows are on their way. Announced politely. */
export function ListStatus({ text, testId }: { text: string; testId?: string }) {
  const { pending } = useListNav();
  return (
    <span role="status" className="text-slate-700" data-testid={testId}>
      {pending ? "Loading…" : text}
    </span>
  );
}
