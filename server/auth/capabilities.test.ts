import { describe, expect, it } from "vitest";
import { appRouter } from "../router";
import type { TMeta } from "../trpc";
import { CAPABILITIES, capabilitiesFor, isReadOnly, type TCapability } from "./capabilities";
import { ROLES } from "./roles";

describe("capabilities", () => {
  const procs = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Partial<TMeta> } }>;
  for (const [cap, [path]] of Object.entries(CAPABILITIES) as [TCapability, readonly [string, unknown]][]) {
    it(`${cap} matches the role guard of ${path} for every role`, () => {
      const guard = procs[path]?._def.meta?.roles;
      expect(guard, `${path} is not a procedure with roles`).toBeInstanceOf(Array);
      for (const role of ROLES) expect(capabilitiesFor(role)[cap], `${role} ${cap}`).toBe((guard as readonly string[]).includes(role));
    });
  }
  it("a viewer may do nothing but read", () => {
    expect(Object.values(capabilitiesFor("viewer")).every((v) => v === false)).toBe(true);
  });
  it("only a viewer's account is read-only (firmware engineers may put assets on hold)", () => {
    expect(ROLES.filter((r) => isReadOnly(capabilitiesFor(r)))).toEqual(["viewer"]);
  });
});
