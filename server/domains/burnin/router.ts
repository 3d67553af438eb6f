/** Burn-in's tRPC procedures (thin: parse, call a service). */
import { z } from "zod";
import { ANY_ROLE } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { renderSvg, sensorOption } from "./charts";
import { evidencePdf } from "./report";
import { abortRun, board, createProfile, decideRun, extendRun, listProfiles, receiptBatches, rerun, runDetail, startRuns } from "./service";
import { BURNIN_PROFILE_WRITERS, BURNIN_WRITERS, ZBoard, ZProfile, ZProfileCreate, ZRunAbort, ZRunDecide, ZRunExtend, ZRunId, ZRunRerun, ZRunStart, ZRunStatus, ZRunDetail, ZReceiptBatches, ZStartOut } from "./schema";

const W = BURNIN_WRITERS;

export const burninRouter = router({
  profiles: procedure(ANY_ROLE)
    .input(z.object({ latestOnly: z.boolean().default(false) }).default({ latestOnly: false }))
    .output(z.array(ZProfile))
    .query(({ ctx, input }) => listProfiles(ctx.deps, input)),
  createProfile: procedure(BURNIN_PROFILE_WRITERS).input(ZProfileCreate).output(ZProfile).mutation(({ ctx, input }) => createProfile(ctx.deps, ctx.actor, input)),
  board: procedure(ANY_ROLE).output(ZBoard).query(({ ctx }) => board(ctx.deps)),
  run: procedure(ANY_ROLE).input(ZRunId).output(ZRunDetail).query(({ ctx, input }) => runDetail(ctx.deps, ctx.actor, input.runId)),
  /** the run's sensor charts as SVG (server-rendered ECharts, the same the PDF draws) */
  charts: procedure(ANY_ROLE)
    .input(ZRunId)
    .output(z.array(z.object({ sensor: z.string(), svg: z.string() })))
    .query(async ({ ctx, input }) => {
      const run = await runDetail(ctx.deps, ctx.actor, input.runId);
      const failAt = run.failure ? Date.parse(run.failure.at) : undefined;
      return run.series.filter((s) => s.points.length > 0).map((s) => ({ sensor: s.sensor.name, svg: renderSvg(sensorOption(s, run.failure?.sensor === s.sensor.name ? failAt : undefined)) }));
    }),
  evidencePdf: procedure(ANY_ROLE).input(ZRunId).output(z.object({ filename: z.string(), contentType: z.string(), base64: z.string() })).query(({ ctx, input }) => evidencePdf(ctx.deps, ctx.actor, input.runId)),
  receipts: procedure(W).output(ZReceiptBatches).query(({ ctx }) => receiptBatches(ctx.deps)),
  start: procedure(W).input(ZRunStart).output(ZStartOut).mutation(({ ctx, input }) => startRuns(ctx.deps, ctx.actor, input)),
  abort: procedure(W).input(ZRunAbort).output(ZRunStatus).mutation(({ ctx, input }) => abortRun(ctx.deps, ctx.actor, input)),
  decide: procedure(W).input(ZRunDecide).output(ZRunStatus).mutation(({ ctx, input }) => decideRun(ctx.deps, ctx.actor, input)),
  extend: procedure(W).input(ZRunExtend).output(z.object({ endsAt: z.date() })).mutation(({ ctx, input }) => extendRun(ctx.deps, ctx.actor, input)),
  rerun: procedure(W).input(ZRunRerun).output(ZStartOut).mutation(({ ctx, input }) => rerun(ctx.deps, ctx.actor, input)),
});
