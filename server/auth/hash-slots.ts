/**
 * Bounds concurrent password hashing. scrypt runs on libuv's small thread
 * pool; a spray of sign-ins would queue every real sign-in behind it. Here at
 * most `total` hashes run at once and one client address holds at most
 * `perClient` of them, with a short queue per client; past that queue a
 * client is refused at once (it gets 429), so one sender cannot fill the
 * line in front of everyone else.
 */
export class HashSlotsFullError extends Error {
  constructor() {
    super("too many sign-ins at once from one address");
  }
}

interface TWaiter {
  key: string;
  start: () => void;
}

export class HashSlots {
  #running = 0;
  #byKey = new Map<string, { running: number; queued: number }>();
  #queue: TWaiter[] = [];

  constructor(
    readonly total = 4,
    readonly perClient = 2,
    readonly queuePerClient = 8,
  ) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const k = this.#byKey.get(key) ?? { running: 0, queued: 0 };
    this.#byKey.set(key, k);
    if (this.#running >= this.total || k.running >= this.perClient) {
      if (k.queued >= this.queuePerClient) {
        this.#forget(key, k);
        throw new HashSlotsFullError();
      }
      k.queued++;
      // resolved by #next, which hands over a slot already counted for this waiter
      await new Promise<void>((resolve) => this.#queue.push({ key, start: resolve }));
    } else {
      k.running++;
      this.#running++;
    }
    try {
      return await fn();
    } finally {
      k.running--;
      this.#running--;
      this.#next();
      this.#forget(key, k);
    }
  }

  #forget(key: string, k: { running: number; queued: number }) {
    if (k.running === 0 && k.queued === 0) this.#byKey.delete(key);
  }

  /** Hands free slots to the first waiters whose client is under its share (FIFO among eligible ones). */
  #next() {
    while (this.#running < this.total) {
      const i = this.#queue.findIndex((w) => (this.#byKey.get(w.key)?.running ?? 0) < this.perClient);
      if (i < 0) return;
      const [w] = this.#queue.splice(i, 1);
      const k = this.#byKey.get(w!.key)!;
      k.queued--;
      k.running++;
      this.#running++;
      w!.start();
    }
  }
}
