import { ADMIN_ONLY, ANY_ROLE, type TRole } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { cancelCommand, listCommands, queueCommand } from "./commands";
import {
  ZAddedParts,
  ZAddUnknownParts,
  ZAgent,
  ZAgentCreate,
  ZAgentCreated,
  ZAgentList,
  ZAssetBmc,
  ZAssetIdInput,
  ZBmcCommand,
  ZBmcCommands,
  ZCommandCancel,
  ZCommandList,
  ZCommandQueue,
  ZEndpointCreate,
  ZEndpointListInput,
  ZEndpointPublic,
  ZEndpointsPublic,
  ZEndpointUpdate,
  ZFinding,
  ZFindingDecision,
  ZFindingListInput,
  ZFindingsChanged,
  ZFindingsDecision,
  ZFindingsReopen,
  ZFindings,
  ZIdInput,
  ZPowerInput,
  ZPowerResult,
} from "./schema";
import { addUnknownParts, assetBmc, createAgent, createEndpoint, decideFinding, decideFindings, getEndpoint, listAgents, listEndpoints, listFindings, powerAction, reopenFindings, revokeAgent, updateEndpoint } from "./service";

/** Who sets up BMC endpoints and decides on findings. */
const BMC_EDITORS: readonly TRole[] = ["admin", "technician"];
/** Who may switch a server's power. */
const POWER_ROLES: readonly TRole[] = ["admin", "technician"];

export const bmcRouter = router({
  // technicians choose the agent when they set up an endpoint; tokens are never part of the list
  agents: procedure(BMC_EDITORS).output(ZAgentList).query(({ ctx }) => listAgents(ctx.deps)),
  createAgent: procedure(ADMIN_ONLY).input(ZAgentCreate).output(ZAgentCreated).mutation(({ ctx, input }) => createAgent(ctx.deps, ctx.actor, input)),
  revokeAgent: procedure(ADMIN_ONLY).input(ZIdInput).output(ZAgent).mutation(({ ctx, input }) => revokeAgent(ctx.deps, ctx.actor, input.id)),
  endpoints: procedure(BMC_EDITORS).input(ZEndpointListInput).output(ZEndpointsPublic).query(({ ctx, input }) => listEndpoints(ctx.deps, input)),
  endpoint: procedure(BMC_EDITORS).input(ZIdInput).output(ZEndpointPublic).query(({ ctx, input }) => getEndpoint(ctx.deps, input.id)),
  createEndpoint: procedure(BMC_EDITORS).input(ZEndpointCreate).output(ZEndpointPublic).mutation(({ ctx, input }) => createEndpoint(ctx.deps, ctx.actor, input)),
  updateEndpoint: procedure(BMC_EDITORS).input(ZEndpointUpdate).output(ZEndpointPublic).mutation(({ ctx, input }) => updateEndpoint(ctx.deps, ctx.actor, input)),
  forAsset: procedure(ANY_ROLE).input(ZAssetIdInput).output(ZAssetBmc).query(({ ctx, input }) => assetBmc(ctx.deps, input.assetId)),
  findings: procedure(ANY_ROLE).input(ZFindingListInput).output(ZFindings).query(({ ctx, input }) => listFindings(ctx.deps, input)),
  decideFinding: procedure(BMC_EDITORS).input(ZFindingDecision).output(ZFinding).mutation(({ ctx, input }) => decideFinding(ctx.deps, ctx.actor, input)),
  /** accept or dismiss several findings of one asset at once */
  decideFindings: procedure(BMC_EDITORS).input(ZFindingsDecision).output(ZFindingsChanged).mutation(({ ctx, input }) => decideFindings(ctx.deps, ctx.actor, input)),
  /** undo: one's own recent decisions back to open */
  reopenFindings: procedure(BMC_EDITORS).input(ZFindingsReopen).output(ZFindingsChanged).mutation(({ ctx, input }) => reopenFindings(ctx.deps, ctx.actor, input)),
  /** register the parts behind "unknown part" findings as parts of the asset (registers assets: editors who may also register) */
  addUnknownParts: procedure(BMC_EDITORS).input(ZAddUnknownParts).output(ZAddedParts).mutation(({ ctx, input }) => addUnknownParts(ctx.deps, ctx.actor, input)),
  power: procedure(POWER_ROLES).input(ZPowerInput).output(ZPowerResult).mutation(({ ctx, input }) => powerAction(ctx.deps, ctx.actor, input)),
  /** a power command for a BMC behind a site agent (QUEUED → SENT → DONE | FAILED | EXPIRED) */
  queueCommand: procedure(POWER_ROLES).input(ZCommandQueue).output(ZBmcCommand).mutation(({ ctx, input }) => queueCommand(ctx.deps, ctx.actor, input)),
  /** cancel a command the agent has not taken yet */
  cancelCommand: procedure(POWER_ROLES).input(ZCommandCancel).output(ZBmcCommand).mutation(({ ctx, input }) => cancelCommand(ctx.deps, ctx.actor, input)),
  commands: procedure(ANY_ROLE).input(ZCommandList).output(ZBmcCommands).query(({ ctx, input }) => listCommands(ctx.deps, input)),
});
