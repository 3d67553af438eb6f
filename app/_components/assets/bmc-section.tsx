"use client";
/**
 * The BMC panel on the asset page, loaded after the page is interactive: it
 * sits below the record and the timeline, and it is the only part of the page
 * that needs react-query and the tRPC client (bmc-section-panel.tsx). The
 * asset page's first load carries none of that, so the moves and the scan
 * field answer sooner; the panel follows once the browser is idle (at most
 * ~2 s), or at once when it is scrolled to, and starts with the server's data
 * (`initial`): nothing waits for another round trip once its code is in.
 */
import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";
import type { BmcPanel } from "../bmc/bmc-panel";

type TProps = React.ComponentProps<typeof BmcPanel>;

function Placeholder() {
  return (
    <section className="card p-5 space-y-2 lg:col-span-3 min-h-40" aria-busy="true" data-testid="bmc-placeholder">
      <h2 className="text-lg font-semibold">BMC</h2>
      <p className="text-slate-600">Loading the BMC panel…</p>
    </section>
  );
}

const Panel = dynamic(() => import("./bmc-section-panel").then((m) => m.BmcSectionPanel), { ssr: false, loading: Placeholder });

export function BmcSection(props: TProps) {
  const [near, setNear] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const load = () => setNear(true);
    // once the page is idle after it became interactive (at most ~2 s), or at once when scrolled to
    const idle = typeof window.requestIdleCallback === "function" ? window.requestIdleCallback(load, { timeout: 2000 }) : null;
    const timer = idle === null ? setTimeout(load, 500) : null;
    const io = el && typeof IntersectionObserver !== "undefined" ? new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && load(), { rootMargin: "200px 0px" }) : null;
    if (el) io?.observe(el);
    return () => {
      if (idle !== null) window.cancelIdleCallback(idle);
      if (timer) clearTimeout(timer);
      io?.disconnect();
    };
  }, []);
  if (near) return <Panel {...props} />;
  return (
    <div ref={ref} className="lg:col-span-3">
      <Placeholder />
    </div>
  );
}
