/**
 * A tiny job runner for work that runs beside the database. A job is a name,
 * a version, a zod payload schema, an interval and a handler (Documenso/Dub
 * style): handlers are safe to run twice; a thrown error is logged and retried
 * at the next tick; a bad payload is not retried.
 */
import type { z } from "zod";
import type { TDeps } from "../server/context";

export interface TJob<P extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  payload: P;
  everyMs: number;
  handler(deps: TDeps, payload: z.infer<P>): Promise<string | void>;
}

export function defineJob<P extends z.ZodType>(job: TJob<P>): TJob<P> {
  return job;
}

export interface TRunner {
  stop(): Promise<void>;
}

export function runJobs(deps: TDeps, jobs: TJob[], log: (line: string) => void = console.log): TRunner {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobs) {
    const tick = () => {
      const parsed = job.payload.safeParse({});
      if (!parsed.success) {
        log(`[workers] ${job.name}@${job.version}: bad payload, not retried: ${parsed.error.message}`);
        return;
      }
      const p = job
        .handler(deps, parsed.data)
        .then((msg) => msg && log(`[workers] ${job.name}: ${msg}`))
        .catch((e) => log(`[workers] ${job.name} failed (will retry): ${(e as Error).message}`))
        .finally(() => running.delete(p));
      running.add(p);
    };
    timers.push(setInterval(tick, job.everyMs));
    setImmediate(tick);
  }
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
