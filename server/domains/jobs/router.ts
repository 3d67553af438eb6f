import { ADMIN_ONLY } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { ZJobId, ZJobList, ZJobPage, ZJobRow } from "./schema";
import { cancelJob, getJob, listJobs, retryJob, runJobNow } from "./service";

/** Admin → Jobs. */
export const jobsRouter = router({
  list: procedure(ADMIN_ONLY).input(ZJobList).output(ZJobPage).query(({ ctx, input }) => listJobs(ctx.deps, input)),
  get: procedure(ADMIN_ONLY).input(ZJobId).output(ZJobRow).query(({ ctx, input }) => getJob(ctx.deps, input)),
  retry: procedure(ADMIN_ONLY).input(ZJobId).output(ZJobRow).mutation(({ ctx, input }) => retryJob(ctx.deps, ctx.actor, input)),
  runNow: procedure(ADMIN_ONLY).input(ZJobId).output(ZJobRow).mutation(({ ctx, input }) => runJobNow(ctx.deps, ctx.actor, input)),
  cancel: procedure(ADMIN_ONLY).input(ZJobId).output(ZJobRow).mutation(({ ctx, input }) => cancelJob(ctx.deps, ctx.actor, input)),
});
