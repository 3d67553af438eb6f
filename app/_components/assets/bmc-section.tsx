"use client";
/**
 * The BMC panel on the asset page, loaded when it comes near the screen: it
 * sits below the record and the timeline, and it is the only part of the page
 * that needs react-query and the tRPC client (bmc-section-panel.tsx). The
 * asset page's first load carries none of that; the panel still starts with
 * the server's data (`initial`), so nothing waits for another round trip once
 * its code is in.
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
    if (!el || typeof IntersectionObserver === "undefined") return setNear(true);
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: "200px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, []);
  if (near) return <Panel {...props} />;
  return (
    <div ref={ref} className="lg:col-span-3">
      <Placeholder />
    </div>
  );
}
