"use client";
/**
 * The receiving station (10" tablet, 1024×768, touch; a keyboard-wedge scanner types a code and
 * Enter into the scan field, which keeps the focus). Every scan goes through the offline queue
 * (../_lib/scan-queue.ts) and is answered at once: green and a short high tone when it went in, red
 * and a low long tone with one line why when it did not, amber when it is waiting for the network.
 * Counters per line (received / ordered) follow everyone's scans live (receipt:<id> notices).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { rpcMutation, rpcQuery, RpcError, errorMessage } from "../../../../_components/rpc-fetch";
import { useLive } from "../../../../_components/live";
import { downloadFile } from "../../../../_components/ui/download";
import type { TReceiptOut, TScanOut } from "@/server/domains/receiving/schema";
import { createFlusher, enqueue, newClientScanId, nextSeq, pending, type TQueuedScan, type TSendResult } from "../_lib/scan-queue";
import { CameraScanner } from "./camera";

type TFeedback = { tone: "ok" | "bad" | "queued"; text: string; code: string } | null;
type TLog = { id: string; code: string; ok: boolean; outcome: string; message: string; assetId?: string };

let audio: AudioContext | null = null;
function beep(ok: boolean) {
  try {
    audio ??= new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.type = ok ? "sine" : "square";
    o.frequency.value = ok ? 1200 : 200;
    g.gain.value = 0.08;
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + (ok ? 0.07 : 0.35));
  } catch {
    /* no audio: the colour says it */
  }
}

async function sendScan(s: TQueuedScan): Promise<TSendResult<TScanOut>> {
  try {
    const result = await rpcMutation<TScanOut>("receiving.scan", { receiptId: s.receiptId, code: s.code, clientScanId: s.clientScanId, poLineId: s.poLineId, assetId: s.assetId });
    return { kind: "answered", result };
  } catch (e) {
    if (!(e instanceof RpcError)) return { kind: "offline" }; // fetch failed: no network
    if (e.code === "UNAUTHORIZED") return { kind: "session" };
    if (e.code === "UNAVAILABLE" || e.code === "INTERNAL" || e.code === "TIMEOUT" || e.code === null) return { kind: "offline" }; // try again later
    return { kind: "refused", message: e.message };
  }
}

export function ReceivingStation({ initial }: { initial: TReceiptOut }) {
  const [receipt, setReceipt] = useState(initial);
  const [line, setLine] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<TFeedback>(null);
  const [queued, setQueued] = useState(0);
  const [offline, setOffline] = useState(false);
  const [log, setLog] = useState<TLog[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [damaging, setDamaging] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const lastAsset = useRef<string | null>(null);
  const lineRef = useRef<string | null>(null);
  lineRef.current = line;
  const open = receipt.status === "OPEN";

  const refresh = useCallback(async () => {
    try {
      setReceipt(await rpcQuery<TReceiptOut>("receiving.receipt", { id: initial.id }));
    } catch {
      /* offline: the counters from the scans' answers stay */
    }
  }, [initial.id]);
  // a scan's notice carries its line's counter: no refetch for it; anything else refetches, at most twice a second
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLive(`receipt:${initial.id}`, (e) => {
    if (e.type === "change" && e.data.kind === "receipt.scan") {
      const d = e.data;
      setReceipt((x) => ({ ...x, counters: x.counters.map((c) => (c.poLineId === d.poLineId ? { ...c, received: Math.max(c.received, d.received) } : c)) }));
      return;
    }
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = null;
      void refresh();
    }, 500);
  });

  const onSent = useCallback((s: TQueuedScan, r: TSendResult<TScanOut>) => {
    if (r.kind === "answered") {
      const a = r.result;
      if (a.outcome === "line_selected" && a.poLineId) setLine(a.poLineId);
      if (a.outcome === "received" && a.assetId) lastAsset.current = a.assetId;
      setReceipt((x) => ({
        ...x,
        counters: a.counters.map((c) => ({ ...c, received: Math.max(c.received, x.counters.find((o) => o.poLineId === c.poLineId)?.received ?? 0) })),
        receivedAssetIds: a.outcome === "received" && a.assetId && !a.replayed && !x.receivedAssetIds.includes(a.assetId) ? [...x.receivedAssetIds, a.assetId] : x.receivedAssetIds,
      }));
      setLog((l) => [{ id: s.clientScanId, code: a.code, ok: a.ok, outcome: a.outcome, message: a.message, assetId: a.outcome === "received" ? a.assetId : undefined }, ...l].slice(0, 200));
      setFeedback({ tone: a.ok ? "ok" : "bad", text: a.message, code: a.code });
      beep(a.ok);
    } else if (r.kind === "refused") {
      setLog((l) => [{ id: s.clientScanId, code: s.code, ok: false, outcome: "refused", message: r.message }, ...l].slice(0, 200));
      setFeedback({ tone: "bad", text: r.message, code: s.code });
      beep(false);
    }
  }, []);
  const flushRef = useRef<() => Promise<void>>(async () => {});
  useEffect(() => {
    const flush = createFlusher<TScanOut>(initial.id, sendScan, onSent, (n, off) => {
      setQueued(n);
      setOffline(off);
    });
    flushRef.current = flush;
    void flush();
    const onOnline = () => void flush();
    window.addEventListener("online", onOnline);
    const timer = setInterval(() => {
      void pending(initial.id).then((p) => {
        if (p.length) void flush();
      });
    }, 3000);
    return () => {
      window.removeEventListener("online", onOnline);
      clearInterval(timer);
    };
  }, [initial.id, onSent]);

  // The service worker keeps this screen loadable without the network. Its scope covers the receipts
  // list too (a clerk usually arrives here by a client-side navigation from it), and once it runs it
  // is told to keep this page and the scripts it loaded, which it could not see being fetched before
  // it took control: a reload with the Wi-Fi down then still opens the screen and its waiting scans.
  const [offlineReady, setOfflineReady] = useState(false);
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    let gone = false;
    navigator.serviceWorker
      .register("/receiving-sw.js", { scope: "/warehouse/receiving" })
      .then(() => navigator.serviceWorker.ready)
      .then(
        (reg) =>
          new Promise<void>((resolve) => {
            const assets = performance
              .getEntriesByType("resource")
              .map((e) => e.name)
              .filter((u) => u.startsWith(`${location.origin}/_next/static/`));
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve();
            reg.active?.postMessage({ type: "keep", page: location.pathname, assets }, [channel.port2]);
          }),
      )
      .then(() => {
        if (!gone) setOfflineReady(true);
      })
      .catch(() => {});
    return () => {
      gone = true;
    };
  }, []);

  const submit = useCallback(
    async (raw: string) => {
      const code = raw.trim();
      if (!code || !open) return;
      // a model barcode of a line chooses it at once, offline too
      const byPart = receipt.counters.find((c) => c.partNumber && c.partNumber === code.toUpperCase().replace(/\s+/g, ""));
      if (byPart) setLine(byPart.poLineId);
      const isTag = receipt.tagMode === "PREPRINTED" && code.toUpperCase().startsWith(receipt.tagPattern.replace(/\d+$/, ""));
      const s: TQueuedScan = { clientScanId: newClientScanId(), receiptId: initial.id, code, seq: nextSeq(), ...(byPart ? {} : lineRef.current ? { poLineId: lineRef.current } : {}), ...(isTag && lastAsset.current ? { assetId: lastAsset.current } : {}) };
      await enqueue(s);
      setQueued((n) => n + 1);
      if (!navigator.onLine) {
        setOffline(true);
        setFeedback({ tone: "queued", text: `Saved on this tablet; it is sent when the network is back.`, code });
      }
      void flushRef.current();
    },
    [initial.id, open, receipt.counters, receipt.tagMode, receipt.tagPattern],
  );

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const v = e.currentTarget.value;
    e.currentTarget.value = "";
    void submit(v);
  };

  const act = async (fn: () => Promise<TReceiptOut>) => {
    setBusy(true);
    setError(null);
    try {
      setReceipt(await fn());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const printLabels = async () => {
    setError(null);
    try {
      // the label batch as the signed-in user (the REST /labels/batch takes API tokens): a PDF of 2"×1" labels
      const file = await rpcMutation<{ filename: string; contentType: string; base64: string }>("warehouse.labelBatch", { assetIds: receipt.receivedAssetIds, format: "pdf", stock: "2x1" });
      downloadFile(file);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const tone = feedback?.tone === "ok" ? "bg-emerald-600 text-white" : feedback?.tone === "bad" ? "bg-red-700 text-white" : feedback ? "bg-amber-300 text-slate-900" : "bg-slate-100 text-slate-700";
  const received = log.filter((l) => l.outcome === "received" && l.assetId);

  return (
    <div
      className="space-y-3"
      data-testid="receiving-station"
      onPointerUp={(e) => {
        // the scan field keeps the focus (a wedge scanner types wherever the focus is), except while typing elsewhere
        const t = e.target as HTMLElement;
        if (!["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName) && !t.closest("form")) setTimeout(() => input.current?.focus(), 0);
      }}
    >
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold mr-auto" data-testid="receipt-heading">
          {receipt.number} · {receipt.poNumber} · {receipt.vendorName}
        </h1>
        <span className="text-sm text-slate-600">Bin {receipt.bin?.path ?? "—"}</span>
        <span className={`rounded-lg px-3 py-2 text-sm font-medium ${queued ? "bg-amber-200 text-amber-950" : "bg-slate-100 text-slate-700"}`} data-testid="receiving-pending" data-pending={queued} data-offline-ready={offlineReady} title={offlineReady ? "This screen opens without the network too" : undefined} role="status">
          {queued ? `${queued} scan${queued === 1 ? "" : "s"} waiting to sync${offline ? " (offline)" : ""}` : "All scans synced"}
        </span>
      </div>

      {open ? (
        <div className="flex gap-2 items-stretch">
          <label className="sr-only" htmlFor="receiving-scan">
            Scan a serial, a model barcode or a tag
          </label>
          <input
            id="receiving-scan"
            ref={input}
            data-testid="receiving-scan"
            className="flex-1 rounded-xl border-2 border-slate-400 px-4 text-2xl min-h-16 font-mono"
            placeholder="Scan serial…"
            autoFocus
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            enterKeyHint="send"
            onKeyDown={onKeyDown}
          />
          <CameraScanner onCode={(c) => void submit(c)} />
        </div>
      ) : (
        <p className="rounded-xl bg-slate-200 px-4 py-3" data-testid="receipt-closed">
          Closed. PO status: <strong data-testid="receipt-po-status">{receipt.poStatus.toLowerCase().replace("_", " ")}</strong>
        </p>
      )}

      <div className={`rounded-xl px-4 py-4 text-xl min-h-16 ${tone}`} data-testid="receiving-feedback" data-tone={feedback?.tone ?? "none"} role="alert" aria-live="assertive">
        {feedback ? feedback.text : "Scan the model barcode (or choose a line), then its serials."}
      </div>
      {error && (
        <p className="rounded-lg bg-red-100 text-red-900 px-3 py-2" role="alert" data-testid="receiving-error">
          {error}
        </p>
      )}

      <div className="grid grid-cols-[1fr_1fr] gap-3">
        <section className="card p-3" aria-label="Lines">
          <h2 className="font-semibold mb-2">Lines</h2>
          <ul className="space-y-2" data-testid="receiving-lines">
            {receipt.counters.map((c) => (
              <li key={c.poLineId}>
                <button
                  type="button"
                  disabled={!c.modelId || !open}
                  onClick={() => {
                    setLine(c.poLineId);
                    input.current?.focus();
                  }}
                  aria-pressed={line === c.poLineId}
                  className={`w-full text-left rounded-lg border px-3 min-h-12 flex items-center gap-3 ${line === c.poLineId ? "border-blue-700 bg-blue-50" : "border-slate-300"}`}
                  data-testid={`receiving-line-${c.lineNo}`}
                >
                  <span className="font-medium">Line {c.lineNo}</span>
                  <span className="flex-1 truncate">{c.modelName ?? "free text"} {c.partNumber ? `(${c.partNumber})` : ""}</span>
                  <span className={`font-mono text-lg ${c.received >= c.ordered ? "text-emerald-700" : ""}`} data-testid={`receiving-count-${c.lineNo}`}>
                    {c.received}/{c.ordered}
                  </span>
                  {c.damaged > 0 && <span className="text-red-700 text-sm">{c.damaged} damaged</span>}
                </button>
              </li>
            ))}
          </ul>
          {receipt.expectedNotScanned.length > 0 && (
            <details className="mt-3" data-testid="receiving-expected">
              <summary className="cursor-pointer min-h-11 flex items-center">{receipt.expectedNotScanned.length} expected from the ASN, not scanned yet</summary>
              <ul className="text-sm font-mono max-h-48 overflow-auto">
                {receipt.expectedNotScanned.map((x) => (
                  <li key={x.serial}>
                    {x.carton} · {x.partNumber} · {x.serial}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>

        <section className="card p-3" aria-label="Scans">
          <h2 className="font-semibold mb-2">This tablet&apos;s scans</h2>
          <ul className="space-y-1 max-h-80 overflow-auto text-sm" data-testid="receiving-log">
            {log.map((l) => (
              <li key={l.id} className={`rounded px-2 py-1 flex items-center gap-2 ${l.ok ? "bg-emerald-50" : "bg-red-50"}`} data-outcome={l.outcome}>
                <span className="font-mono">{l.code}</span>
                <span className="flex-1 truncate" title={l.message}>
                  {l.message}
                </span>
                {open && l.assetId && damaging !== l.assetId && (
                  <button type="button" className="btn btn-secondary !min-h-9 !px-2 text-sm" onClick={() => setDamaging(l.assetId!)}>
                    Damaged…
                  </button>
                )}
                {damaging && damaging === l.assetId && (
                  <form
                    className="flex gap-1"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const reason = String(new FormData(e.currentTarget).get("reason") ?? "");
                      const assetId = l.assetId!;
                      setDamaging(null);
                      void act(() => rpcMutation<TReceiptOut>("receiving.flagDamaged", { receiptId: initial.id, assetId, reason }));
                    }}
                  >
                    <input name="reason" required minLength={3} className="border rounded px-2" placeholder="What is wrong" aria-label="Damage reason" />
                    <button className="btn btn-danger !min-h-9 !px-2 text-sm">Flag</button>
                  </form>
                )}
              </li>
            ))}
          </ul>
          {received.length === 0 && log.length === 0 && <p className="text-slate-500 text-sm">No scans yet.</p>}
        </section>
      </div>

      <div className="flex flex-wrap gap-2">
        {open && (
          <button type="button" className="btn btn-primary" disabled={busy || queued > 0} onClick={() => void act(() => rpcMutation<TReceiptOut>("receiving.close", { id: initial.id }))} data-testid="receipt-close">
            Close receipt
          </button>
        )}
        <button type="button" className="btn btn-secondary" disabled={!receipt.receivedAssetIds.length} onClick={() => void printLabels()} data-testid="receipt-labels">
          Print labels ({receipt.receivedAssetIds.length})
        </button>
        {open && <AsnImport poId={receipt.poId} onDone={() => void refresh()} />}
      </div>

      {receipt.report && <Report report={receipt.report} />}
    </div>
  );
}

function AsnImport({ poId, onDone }: { poId: string; onDone: () => void }) {
  const [openForm, setOpen] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string; problems?: { line: number; message: string }[] } | null>(null);
  if (!openForm)
    return (
      <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)}>
        Import ASN…
      </button>
    );
  return (
    <form
      className="card p-3 w-full space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const file = f.get("file") as File | null;
        const csv = file && file.size ? await file.text() : String(f.get("csv") ?? "");
        try {
          const r = await rpcMutation<{ lineCount: number; cartons: number }>("receiving.importAsn", { poId, reference: String(f.get("reference") ?? ""), csv });
          setMsg({ ok: true, text: `Imported ${r.lineCount} serials in ${r.cartons} carton(s).` });
          onDone();
        } catch (err) {
          const problems = (err instanceof RpcError ? (err.details?.problems as { line: number; message: string }[] | undefined) : undefined) ?? undefined;
          setMsg({ ok: false, text: errorMessage(err), problems });
        }
      }}
    >
      <label className="block">
        ASN reference <input name="reference" required className="border rounded px-2 min-h-11 ml-2" />
      </label>
      <label className="block">
        CSV file (carton, partNumber, serial, mac) <input type="file" name="file" accept=".csv,text/csv" className="ml-2" />
      </label>
      <textarea name="csv" rows={3} className="w-full border rounded p-2 font-mono text-sm" placeholder="or paste: carton,partNumber,serial,mac" />
      <button className="btn btn-primary">Import</button>
      {msg && (
        <div className={msg.ok ? "text-emerald-800" : "text-red-800"} role="alert">
          {msg.text}
          {msg.problems && (
            <ul className="list-disc ml-5">
              {msg.problems.map((p, i) => (
                <li key={i}>
                  line {p.line}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

function Report({ report }: { report: NonNullable<TReceiptOut["report"]> }) {
  return (
    <section className="card p-3" data-testid="receipt-report" aria-label="Discrepancy report">
      <h2 className="font-semibold mb-2">Discrepancy report</h2>
      <ul className="space-y-1">
        <li data-testid="report-short">Short: {report.short.length ? report.short.map((s) => `line ${s.lineNo} missing ${s.missing} of ${s.ordered}`).join("; ") : "none"}</li>
        <li data-testid="report-over">Over: {report.over.length ? report.over.map((o) => `line ${o.lineNo}: ${o.code}`).join("; ") : "none"}</li>
        <li data-testid="report-wrong">Wrong model: {report.wrongModel.length ? report.wrongModel.map((w) => w.code).join(", ") : "none"}</li>
        <li data-testid="report-damaged">Damaged: {report.damaged.length ? report.damaged.map((d) => `${d.serial} (${d.reason})`).join("; ") : "none"}</li>
        <li>Expected but not scanned: {report.expectedNotScanned.length ? report.expectedNotScanned.map((x) => x.serial).join(", ") : "none"}</li>
      </ul>
    </section>
  );
}
