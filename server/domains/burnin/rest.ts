/** Burn-in's REST route (/api/v1): the burn-in image reports in-band stage results with its run's token. */
import { ANY_ROLE } from "../../auth/roles";
import { route, type TRoute } from "../../rest/route";
import { ZInbandAck, ZInbandResult } from "./schema";
import { recordResult, runFromToken, RESULTS_TOKEN_PREFIX } from "./service";

export const burninRestRoutes: TRoute[] = [
  route({
    method: "POST",
    path: "/burnin/results",
    operationId: "reportBurnInResult",
    summary: "Report one in-band stage result of a burn-in run (stage, tool, times, pass/fail, key figures, a log excerpt); each stage once, only while the run is running",
    roles: ANY_ROLE,
    auth: {
      scheme: "burninRunToken",
      description: `The run's results token (\`${RESULTS_TOKEN_PREFIX}…\`), handed to the burn-in image when the run was started.`,
      actor: async (deps, token) => {
        const run = await runFromToken(deps, token);
        return run ? { type: "token", id: `burnin:${run.runId}`, name: `burn-in image of run ${run.runId}`, role: "viewer" } : null;
      },
    },
    body: ZInbandResult,
    response: ZInbandAck,
    status: 201,
    handler: (deps, actor, { body }) => recordResult(deps, actor.id.slice("burnin:".length), body),
  }),
];
