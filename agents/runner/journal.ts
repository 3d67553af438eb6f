/**
 * Store-and-forward journal of the site agent.
 *
 * Every observation is appended (and fsync'd) here before anything tries to
 * send it; a delivery loop reads pending records oldest first and marks them
 * delivered only once the server's ack lists their idempotency key as stored.
 * A crash (kill -9) therefore loses nothing: on restart the journal is read
 * back and whatever was not acked is sent again; the server stores each key
 * once.
 *
 * Layout of the journal directory:
 *   seg-000001.jsonl ...  observations, one JSON object per line, append-only.
 *                         Only the newest segment of this process is appended
 *                         to; segments found at start-up are read-only.
 *   delivered.log         idempotency keys the server acknowledged, one a line.
 *   dead-letter.jsonl     records the server rejected as invalid (kept for a person).
 *
 * A torn last line (a write cut by a crash or a full disk) is dropped at
 * start-up (the file is cut back to its last complete record, and the drop is
 * logged and counted); an append that fails part-way (ENOSPC mid-write) cuts
 * the segment back to where it was before throwing, so an append is all or
 * nothing and later appends start on a record boundary. Compaction deletes
 * segments whose records are all delivered and rewrites delivered.log to the
 * keys that still matter, so the journal does not grow while the server is up.
 *
 * Memory holds an index (key, segment, offset, length) per pending record, not
 * the observations themselves, so a long outage does not exhaust memory.
 */
import fs from "node:fs";
import path from "node:path";
import { ZObservation, type TObservation } from "../../server/contracts/agent";

const SEGMENT_RE = /^seg-(\d{6,})\.jsonl$/;
const DELIVERED = "delivered.log";
const DEAD_LETTER = "dead-letter.jsonl";

interface Segment {
  no: number;
  file: string;
  fd: number | null;
  size: number;
  /** keys of this segment that are not yet delivered */
  undelivered: number;
  /** keys of this segment already delivered (kept so delivered.log can be rewritten) */
  delivered: Set<string>;
}

interface IndexEntry {
  key: string;
  seg: Segment;
  offset: number;
  length: number;
}

export interface JournalOptions {
  /** rotate the active segment beyond this size (default 1 MiB) */
  maxSegmentBytes?: number;
  /** fsync after each write (default true; tests of crash safety keep it on) */
  fsync?: boolean;
  log?: (line: string) => void;
}

export interface JournalStats {
  pending: number;
  segments: number;
  skippedTorn: number;
  skippedCorrupt: number;
  bytes: number;
}

export class Journal {
  private readonly segments = new Map<number, Segment>();
  /** pending records in journal order (Map keeps insertion order) */
  private readonly pendingIdx = new Map<string, IndexEntry>();
  private active: Segment | null = null;
  private nextSegmentNo = 1;
  private deliveredFd: number | null = null;
  private deliveredLines = 0;
  private closed = false;
  private readonly maxSegmentBytes: number;
  private readonly doFsync: boolean;
  private readonly log: (line: string) => void;
  private skippedTorn = 0;
  private skippedCorrupt = 0;

  private constructor(
    readonly dir: string,
    opts: JournalOptions,
  ) {
    this.maxSegmentBytes = opts.maxSegmentBytes ?? 1024 * 1024;
    this.doFsync = opts.fsync ?? true;
    this.log = opts.log ?? (() => {});
  }

  static open(dir: string, opts: JournalOptions = {}): Journal {
    fs.mkdirSync(dir, { recursive: true });
    const j = new Journal(dir, opts);
    j.load();
    return j;
  }

  // ------------------------------------------------------------ loading

  private load(): void {
    const delivered = this.loadDelivered();
    const files = fs
      .readdirSync(this.dir)
      .map((f) => ({ f, m: SEGMENT_RE.exec(f) }))
      .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
      .map(({ f, m }) => ({ file: f, no: Number(m[1]) }))
      .sort((a, b) => a.no - b.no);
    for (const { file, no } of files) {
      const seg: Segment = { no, file, fd: null, size: 0, undelivered: 0, delivered: new Set() };
      const buf = fs.readFileSync(path.join(this.dir, file));
      seg.size = buf.length;
      let start = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1) {
          // torn last line: the write was cut (crash, full disk) before its newline
          this.skippedTorn++;
          this.log(`journal: dropped a torn record at the end of ${file} (${buf.length - start} bytes)`);
          seg.size = start;
          this.cutTail(file, start);
          break;
        }
        const length = nl + 1 - start;
        const key = this.parseKey(buf.subarray(start, nl), file);
        if (key !== null) {
          if (delivered.has(key)) seg.delivered.add(key);
          else if (!this.pendingIdx.has(key)) {
            this.pendingIdx.set(key, { key, seg, offset: start, length });
            seg.undelivered++;
          }
        }
        start = nl + 1;
      }
      this.segments.set(no, seg);
      this.nextSegmentNo = Math.max(this.nextSegmentNo, no + 1);
    }
    this.deliveredFd = fs.openSync(path.join(this.dir, DELIVERED), "a");
  }

  /** Cut a segment back to its last complete record, so the file matches the index (best effort). */
  private cutTail(file: string, size: number): void {
    try {
      const fd = fs.openSync(path.join(this.dir, file), "r+");
      try {
        fs.ftruncateSync(fd, size);
        if (this.doFsync) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      this.log(`journal: could not cut the torn tail of ${file}: ${(err as Error).message} (it is skipped on every start)`);
    }
  }

  private parseKey(line: Buffer, file: string): string | null {
    try {
      const obs = ZObservation.parse(JSON.parse(line.toString("utf8")));
      return obs.idempotencyKey;
    } catch {
      this.skippedCorrupt++;
      this.log(`journal: skipped an unreadable record in ${file}`);
      return null;
    }
  }

  private loadDelivered(): Set<string> {
    const file = path.join(this.dir, DELIVERED);
    const keys = new Set<string>();
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return keys;
    }
    const lastNl = text.lastIndexOf("\n");
    if (lastNl !== text.length - 1) {
      // torn tail: drop it so the next append starts on a fresh line
      fs.truncateSync(file, Buffer.byteLength(text.slice(0, lastNl + 1)));
      text = text.slice(0, lastNl + 1);
    }
    for (const k of text.split("\n")) if (k) keys.add(k);
    this.deliveredLines = keys.size;
    return keys;
  }

  // ------------------------------------------------------------ writing

  /** Append observations durably (written and fsync'd before this returns). */
  append(observations: readonly TObservation[]): void {
    this.assertOpen();
    if (observations.length === 0) return;
    const lines = observations.map((o) => {
      const parsed = ZObservation.parse(o);
      if (this.pendingIdx.has(parsed.idempotencyKey)) throw new Error(`journal: duplicate idempotency key ${parsed.idempotencyKey}`);
      return Buffer.from(`${JSON.stringify(parsed)}\n`, "utf8");
    });
    if (this.active && this.active.size >= this.maxSegmentBytes) this.rotate();
    const seg = this.active ?? this.newSegment();
    const buf = Buffer.concat(lines);
    try {
      let written = 0;
      while (written < buf.length) written += fs.writeSync(seg.fd as number, buf, written, buf.length - written);
      if (this.doFsync) fs.fsyncSync(seg.fd as number);
    } catch (err) {
      this.undoPartialAppend(seg);
      throw new Error(`journal: could not append ${observations.length} observation(s) to ${seg.file}: ${(err as Error).message}; nothing of them was kept`, {
        cause: err,
      });
    }
    let offset = seg.size;
    observations.forEach((o, i) => {
      this.pendingIdx.set(o.idempotencyKey, { key: o.idempotencyKey, seg, offset, length: lines[i].length });
      offset += lines[i].length;
    });
    seg.size += buf.length;
    seg.undelivered += observations.length;
  }

  /**
   * An append failed part-way (disk full, I/O error): cut the segment back to
   * its last complete record. If even that fails, retire the segment (its
   * torn tail is dropped at the next start) and append to a fresh one.
   */
  private undoPartialAppend(seg: Segment): void {
    try {
      fs.ftruncateSync(seg.fd as number, seg.size);
      if (this.doFsync) fs.fsyncSync(seg.fd as number);
    } catch (err) {
      this.log(`journal: could not cut back ${seg.file} after a failed append (${(err as Error).message}); continuing in a new segment`);
      if (this.active === seg) this.active = null;
    }
  }

  private newSegment(): Segment {
    const no = this.nextSegmentNo++;
    const file = `seg-${String(no).padStart(6, "0")}.jsonl`;
    const fd = fs.openSync(path.join(this.dir, file), "a+");
    const seg: Segment = { no, file, fd, size: 0, undelivered: 0, delivered: new Set() };
    this.segments.set(no, seg);
    this.active = seg;
    this.fsyncDir();
    return seg;
  }

  private rotate(): void {
    this.active = null;
  }

  // ------------------------------------------------------------ reading

  get pendingCount(): number {
    return this.pendingIdx.size;
  }

  /** The oldest `limit` pending observations, in the order they were journaled. */
  pending(limit = Infinity): TObservation[] {
    this.assertOpen();
    const out: TObservation[] = [];
    for (const e of this.pendingIdx.values()) {
      if (out.length >= limit) break;
      out.push(this.read(e));
    }
    return out;
  }

  private read(e: IndexEntry): TObservation {
    if (e.seg.fd === null) e.seg.fd = fs.openSync(path.join(this.dir, e.seg.file), "r");
    const buf = Buffer.alloc(e.length);
    let got = 0;
    while (got < e.length) {
      const n = fs.readSync(e.seg.fd, buf, got, e.length - got, e.offset + got);
      if (n === 0) throw new Error(`journal: ${e.seg.file} is shorter than its index`);
      got += n;
    }
    return JSON.parse(buf.toString("utf8")) as TObservation;
  }

  // ------------------------------------------------------------ acks

  /**
   * Record that the server holds these keys (from an ack's `stored`). Unknown
   * or already delivered keys are ignored. Returns how many were pending.
   */
  markDelivered(keys: readonly string[]): number {
    this.assertOpen();
    const hit = [...new Set(keys)].filter((k) => this.pendingIdx.has(k));
    if (hit.length === 0) return 0;
    const buf = Buffer.from(hit.map((k) => `${k}\n`).join(""), "utf8");
    let written = 0;
    while (written < buf.length) written += fs.writeSync(this.deliveredFd as number, buf, written, buf.length - written);
    if (this.doFsync) fs.fsyncSync(this.deliveredFd as number);
    this.deliveredLines += hit.length;
    for (const k of hit) {
      const e = this.pendingIdx.get(k) as IndexEntry;
      this.pendingIdx.delete(k);
      e.seg.undelivered--;
      e.seg.delivered.add(k);
    }
    return hit.length;
  }

  /** Set a record aside that the server refuses as invalid, so it does not block the queue. */
  deadLetter(key: string, reason: string): void {
    this.assertOpen();
    const e = this.pendingIdx.get(key);
    if (!e) return;
    const line = `${JSON.stringify({ at: new Date().toISOString(), reason, observation: this.read(e) })}\n`;
    const file = path.join(this.dir, DEAD_LETTER);
    fs.appendFileSync(file, line);
    if (this.doFsync) {
      const fd = fs.openSync(file, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
    this.markDelivered([key]);
  }

  // ------------------------------------------------------------ compaction

  /**
   * Delete segments whose records are all delivered and shrink delivered.log to
   * the keys of the segments that remain. Safe to crash at any point: at worst
   * an already delivered record is sent again and the server answers it as a
   * duplicate.
   */
  compact(): { removedSegments: number } {
    this.assertOpen();
    let removed = 0;
    for (const seg of [...this.segments.values()]) {
      if (seg.undelivered > 0) continue;
      if (seg === this.active) {
        if (seg.size === 0) continue;
        this.active = null;
      }
      if (seg.fd !== null) fs.closeSync(seg.fd);
      seg.fd = null;
      fs.rmSync(path.join(this.dir, seg.file), { force: true });
      this.segments.delete(seg.no);
      removed++;
    }
    if (removed > 0) this.fsyncDir();
    const keep: string[] = [];
    for (const seg of this.segments.values()) keep.push(...seg.delivered);
    if (removed > 0 || keep.length < this.deliveredLines) this.rewriteDelivered(keep);
    return { removedSegments: removed };
  }

  /** Compact when it pays off: a whole segment is delivered, or delivered.log holds mostly stale keys. */
  maybeCompact(): void {
    for (const seg of this.segments.values()) {
      if (seg.undelivered === 0 && seg.size > 0) {
        this.compact();
        return;
      }
    }
  }

  private rewriteDelivered(keys: string[]): void {
    const file = path.join(this.dir, DELIVERED);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, "w");
    const buf = Buffer.from(keys.map((k) => `${k}\n`).join(""), "utf8");
    let written = 0;
    while (written < buf.length) written += fs.writeSync(fd, buf, written, buf.length - written);
    if (this.doFsync) fs.fsyncSync(fd);
    fs.closeSync(fd);
    if (this.deliveredFd !== null) fs.closeSync(this.deliveredFd);
    fs.renameSync(tmp, file);
    this.fsyncDir();
    this.deliveredFd = fs.openSync(file, "a");
    this.deliveredLines = keys.length;
  }

  private fsyncDir(): void {
    if (!this.doFsync) return;
    try {
      const fd = fs.openSync(this.dir, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // some platforms cannot fsync a directory; the data files are fsync'd anyway
    }
  }

  // ------------------------------------------------------------ misc

  stats(): JournalStats {
    let bytes = 0;
    for (const s of this.segments.values()) bytes += s.size;
    return {
      pending: this.pendingIdx.size,
      segments: this.segments.size,
      skippedTorn: this.skippedTorn,
      skippedCorrupt: this.skippedCorrupt,
      bytes,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.segments.values()) if (s.fd !== null) fs.closeSync(s.fd);
    if (this.deliveredFd !== null) fs.closeSync(this.deliveredFd);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("journal: closed");
  }
}
