/**
 * First run of every command: each npm script that needs Debian packages runs
 * scripts/ensure-system.sh first, which installs them as root or fails at once
 * with one line saying what to install — never a stack trace from a missing
 * binary halfway through. Runs the preflight with a PATH that has none of the
 * tools; a fake apt-get on that PATH records whether apt would have run.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const SCRIPT = path.join(root, "scripts/ensure-system.sh");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
const which = (cmd: string) => spawnSync("bash", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).stdout.trim();
const BASH = which("bash");

/** The npm scripts that need system packages, and a package each must name when its tools are missing. */
const NEEDS: Record<string, string> = {
  "test:integration": "openipmi",
  "test:e2e": "openipmi",
  "bench:bmc": "openipmi",
  "bench:lldp": "lldpd",
};

let dir = "";
let marker = "";
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-preflight-"));
  marker = path.join(dir, "apt-was-called");
  // the only programs on PATH: a fake apt-get that fails, and what the installer path uses around it
  writeFileSync(path.join(dir, "apt-get"), `#!${BASH}\necho "$@" >> '${marker}'\nexit 100\n`);
  chmodSync(path.join(dir, "apt-get"), 0o755);
  for (const tool of ["mktemp", "tail", "rm"]) symlinkSync(which(tool), path.join(dir, tool));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function preflight(args: string[], env: Record<string, string> = {}) {
  rmSync(marker, { force: true });
  const r = spawnSync(BASH, [SCRIPT, ...args], { cwd: root, encoding: "utf8", env: { PATH: dir, HOME: dir, ...env } as unknown as NodeJS.ProcessEnv, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, aptCalled: existsSync(marker) };
}

describe("npm scripts that need system packages", () => {
  it("run the preflight first: every script that starts PostgreSQL, BMC simulators or Chromium", () => {
    const needy = Object.entries(pkg.scripts).filter(([, cmd]) => /--project (integration|e2e)\b|bench\/(bmc|lldp)\.ts/.test(cmd)).map(([name]) => name);
    expect(needy.sort()).toEqual(Object.keys(NEEDS).sort());
    for (const name of needy) expect(pkg.scripts[name], name).toMatch(new RegExp(`^bash scripts/ensure-system\\.sh --for ${name.replace(":", "\\:")} && `));
    // npm test runs the whole preflight before anything else
    expect(pkg.scripts.test).toBe("bash scripts/test.sh");
    const testSh = readFileSync(path.join(root, "scripts/test.sh"), "utf8");
    expect(testSh.indexOf("bash scripts/ensure-system.sh")).toBeGreaterThan(0);
    expect(testSh.indexOf("bash scripts/ensure-system.sh")).toBeLessThan(testSh.indexOf("npx "));
  });

  for (const [name, pkgName] of [...Object.entries(NEEDS), ["test", "openipmi"] as const]) {
    it(`${name}: with the tools missing and IRONLEDGER_NO_APT=1, fails at once with one line naming what to install, apt untouched`, () => {
      const r = preflight(name === "test" ? [] : ["--for", name], { IRONLEDGER_NO_APT: "1" });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name === "test" ? "npm test" : `npm run ${name}`);
      expect(lines[0]).toMatch(new RegExp(`apt-get install -y .*\\b${pkgName}\\b`));
      expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /);
      expect(r.aptCalled).toBe(false);
    });
  }

  it("without IRONLEDGER_NO_APT installs as root (here: the fake apt-get is called) and otherwise asks for root in one line", () => {
    const r = preflight(["--for", "bench:bmc"]);
    expect(r.status).toBe(1);
    if (process.getuid?.() === 0) {
      expect(r.aptCalled).toBe(true);
      expect(readFileSync(marker, "utf8")).toMatch(/install -y .*openipmi/);
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^npm run bench:bmc: apt-get install -y .* failed \(log: /);
    } else {
      expect(r.aptCalled).toBe(false);
      expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining("run as root: apt-get install -y")]);
    }
  });

  it("refuses a script it has no list for, in one line with exit 2", () => {
    const r = preflight(["--for", "no-such-script"], { IRONLEDGER_NO_APT: "1" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining("no system packages are listed for 'no-such-script'")]);
  });
});
