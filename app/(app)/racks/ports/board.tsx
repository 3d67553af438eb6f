/** Ports green (verified) or red (wrong port, missing, unexpected), grey while pending or unplanned: the cabling page of a rack or a switch. */
import Link from "next/link";
import type { TCablingBoard } from "@/server/domains/cabling/schema";

const TONE: Record<string, string> = { VERIFIED: "bg-green-700 text-white", WRONG_PORT: "bg-red-700 text-white", MISSING: "bg-red-700 text-white", UNEXPECTED: "bg-red-700 text-white", PENDING: "bg-slate-200 text-slate-900" };

export function PortBoard({ board }: { board: TCablingBoard }) {
  return (
    <section className="card p-3 space-y-3" data-testid="port-board">
      <h2 className="font-semibold">
        Cabling: {board.counts.VERIFIED ?? 0} verified, {(board.counts.WRONG_PORT ?? 0) + (board.counts.MISSING ?? 0) + (board.counts.UNEXPECTED ?? 0)} wrong, {board.counts.PENDING ?? 0} not seen yet
      </h2>
      {board.devices.map((d) => (
        <div key={d.assetId} className="space-y-1">
          <h3 className="font-semibold">
            <Link className="link min-h-11 inline-flex items-center" href={`/racks/ports/${d.assetId}`}>
              {d.rackUnit ? `U${d.rackUnit} ` : ""}
              {d.name}
            </Link>
          </h3>
          <ul className="flex flex-wrap gap-1">
            {d.ports.map((p) => (
              <li key={p.port} className={`rounded px-2 py-1 text-sm min-h-11 min-w-11 inline-flex items-center ${p.status ? TONE[p.status] : "bg-white border border-slate-300 text-slate-800"}`} title={[p.label, p.peer, p.observed].filter(Boolean).join(" · ")} data-testid={`port-${d.name}-${p.port}`} data-status={p.status ?? "NONE"}>
                {p.port}
                {p.status && p.status !== "VERIFIED" && p.status !== "PENDING" ? " ✗" : p.status === "VERIFIED" ? " ✓" : ""}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
