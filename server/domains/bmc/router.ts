import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE, type TRole } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { listCommands, queueCommand } from "./commands";
import { ZAgentCreate, ZCommandList, ZCommandQueue, ZEndpointCreate, ZEndpointUpdate, ZFindingDecision, ZFindingStatus, ZPowerInput } from "./schema";
import { assetBmc, createAgent, createEndpoint, decideFinding, getEndpoint, listAgents, listEndpoints, listFindings, powerAction, revokeAgent, updateEndpoint } from "./service";

/** Who sets up BMC endpoints and decides on findings. */
const BMC_EDITORS: readonly TRole[] = ["admin", "technician"];
/** Who may switch a server's power. */
const POWER_ROLES: readonly TRole[] = ["admin", "technician"];

export const bmcRouter = router({
  // technicians choose the agent when they set up an endpoint; tokens are never part of the list
  agents: procedure(BMC_EDITORS).query(({ ctx }) => listAgents(ctx.deps)),
  createAgent: procedure(ADMIN_ONLY).input(ZAgentCreate).mutation(({ ctx, input }) => createAgent(ctx.deps, ctx.actor, input)),
  revokeAgent: procedure(ADMIN_ONLY).input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => revokeAgent(ctx.deps, ctx.actor, input.id)),
  endpoints: procedure(BMC_EDITORS).input(z.object({ agentId: z.string().min(1).optional() })).query(({ ctx, input }) => listEndpoints(ctx.deps, input)),
  endpoint: procedure(BMC_EDITORS).input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => getEndpoint(ctx.deps, input.id)),
  createEndpoint: procedure(BMC_EDITORS).input(ZEndpointCreate).mutation(({ ctx, input }) => createEndpoint(ctx.deps, ctx.actor, input)),
  updateEndpoint: procedure(BMC_EDITORS).input(ZEndpointUpdate).mutation(({ ctx, input }) => updateEndpoint(ctx.deps, ctx.actor, input)),
  forAsset: procedure(ANY_ROLE).input(z.object({ assetId: z.string().min(1) })).query(({ ctx, input }) => assetBmc(ctx.deps, input.assetId)),
  findings: procedure(ANY_ROLE)
    .input(z.object({ assetId: z.string().min(1).optional(), status: z.array(ZFindingStatus).max(4).optional(), take: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => listFindings(ctx.deps, input)),
  decideFinding: procedure(BMC_EDITORS).input(ZFindingDecision).mutation(({ ctx, input }) => decideFinding(ctx.deps, ctx.actor, input)),
  power: procedure(POWER_ROLES).input(ZPowerInput).mutation(({ ctx, input }) => powerAction(ctx.deps, ctx.actor, input)),
  /** a power command for a BMC behind a site agent (QUEUED → SENT → DONE | FAILED | EXPIRED) */
  queueCommand: procedure(POWER_ROLES).input(ZCommandQueue).mutation(({ ctx, input }) => queueCommand(ctx.deps, ctx.actor, input)),
  commands: procedure(ANY_ROLE).input(ZCommandList).query(({ ctx, input }) => listCommands(ctx.deps, input)),
});
