/**
 * The receiving tablet's scan queue (IndexedDB, no library): every scan is stored in the browser
 * BEFORE it is sent, with its own client scan id, and leaves the queue only once the server has
 * answered it. When the Wi-Fi drops, scans wait here (the page says how many); when it returns (the
 * `online` event, a retry every few seconds, or the next scan) they are sent one at a time in the
 * order they were scanned. The server treats the client scan id as an idempotency key, so a scan
 * whose answer was lost on the way back is answered again from the record, never received twice.
 */

export interface TQueuedScan {
  clientScanId: string;
  receiptId: string;
  code: string;
  poLineId?: string;
  assetId?: string;
  /** scan order within this browser */
  seq: number;
}

const DB_NAME = "ironledger-receiving";
const STORE = "scans";

let dbPromise: Promise<IDBDatabase> | null = null;
function db(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: "clientScanId" });
      store.createIndex("bySeq", "seq");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbPromise;
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

let lastSeq = 0;
/** A new, strictly increasing scan order number (ms × 1000 + a counter: survives reloads). */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

/** A fresh client scan id (crypto.randomUUID needs a secure context; plain-HTTP sites get random hex). */
export function newClientScanId(): string {
  if (typeof crypto.randomUUID === "function" && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export async function enqueue(scan: TQueuedScan): Promise<void> {
  const tx = (await db()).transaction(STORE, "readwrite");
  tx.objectStore(STORE).put(scan);
  await done(tx);
}

export async function remove(clientScanId: string): Promise<void> {
  const tx = (await db()).transaction(STORE, "readwrite");
  tx.objectStore(STORE).delete(clientScanId);
  await done(tx);
}

/** The receipt's queued scans, oldest first. */
export async function pending(receiptId: string): Promise<TQueuedScan[]> {
  const tx = (await db()).transaction(STORE, "readonly");
  const req = tx.objectStore(STORE).index("bySeq").getAll();
  await done(tx);
  return (req.result as TQueuedScan[]).filter((s) => s.receiptId === receiptId);
}

export type TSendResult<R> = { kind: "answered"; result: R } | { kind: "refused"; message: string } | { kind: "offline" } | { kind: "session" };

/**
 * Sends the receipt's queued scans in order, one at a time, until the queue is empty or the network
 * fails (the rest wait for the next flush). `send` says what became of one scan; `onSent` is told of
 * each scan that left the queue. Only one flush runs at a time; a flush asked for meanwhile runs after.
 */
export function createFlusher<R>(receiptId: string, send: (s: TQueuedScan) => Promise<TSendResult<R>>, onSent: (s: TQueuedScan, r: TSendResult<R>) => void, onCount: (n: number, offline: boolean) => void) {
  let running = false;
  let again = false;
  return async function flush(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const items = await pending(receiptId);
        onCount(items.length, false);
        for (let i = 0; i < items.length; i++) {
          const s = items[i]!;
          const r = await send(s);
          if (r.kind === "offline" || r.kind === "session") {
            onCount(items.length - i, r.kind === "offline");
            return;
          }
          await remove(s.clientScanId);
          onSent(s, r);
          onCount(items.length - i - 1, false);
        }
      } while (again);
    } finally {
      running = false;
    }
  };
}
