/**
 * No absolute machine paths anywhere in the repository, and no links or
 * relative paths that leave it: a fresh clone on another machine must find
 * everything a file names. Scans every tracked (and new, not ignored) file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const SELF = "scripts/repo-paths.test.ts";

/**
 * The absolute paths a file may name, each for a reason that holds on every
 * machine IronLedger installs on (Debian, its own packages):
 */
const ALLOWED_ABSOLUTE: { prefix: string; why: string }[] = [
  { prefix: "/bin/sh", why: "the POSIX shell, in shebang lines of generated helper scripts" },
  { prefix: "/usr/bin/env", why: "shebang lines (#!/usr/bin/env bash|node): the portable way to find an interpreter" },
  { prefix: "/usr/bin/chromium", why: "Debian's chromium package: the browser tests launch it (nothing is downloaded)" },
  { prefix: "/usr/lib/postgresql/", why: "Debian's postgresql package: the test harness starts PostgreSQL 15 from here" },
  { prefix: "/usr/bin/time", why: "GNU time from Debian's time package: bench:bmc measures the reference clients' memory with it" },
  { prefix: "/dev/null", why: "the null device" },
  { prefix: "/proc/", why: "the Linux process filesystem (memory and process state of a PID), the same on every machine" },
];

/** Relative paths that leave the file's folder on purpose and stay inside the repository once written where they belong. */
const ALLOWED_RELATIVE: { file: string; token: string; why: string }[] = [
  { file: "scripts/derive-schema.ts", token: "../../generated/postgresql", why: "written into prisma/postgresql/schema.prisma, relative to that file" },
  { file: "tests/lint-zones.test.ts", token: "../", why: "import specifiers of code snippets that ESLint checks at virtual paths inside the repository (server/domains/…), relative to those paths" },
];

/** A root folder of a Unix or macOS machine, not preceded by anything that makes it part of a URL, a route (`${PREFIX}/work`) or a word. */
const ABSOLUTE = /(?<![\w.~/\\}-])\/(?:work|tmp|root|home|Users|var|opt|srv|mnt|media|etc|usr|dev|proc|sys|run|bin|sbin|lib|lib64|nix|private|Volumes|snap)(?![\w.-])[^\s"'`)\]>,;|]*/g;
const WINDOWS = /\b[A-Za-z]:\\(?:Users|work|home)\\[^\s"'`)]*/g;
const RELATIVE = /(?<![\w.])(?:\.\.\/)+[^\s"'`)\]>,;|*]*/g;

function repoFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter(Boolean)
    .filter((f) => f !== SELF) // its examples are the paths it looks for
    .filter((f) => {
      try {
        return statSync(path.join(root, f)).isFile();
      } catch {
        return false; // deleted in the work tree, not yet committed
      }
    });
}

export interface TPathProblem {
  file: string;
  line: number;
  text: string;
  problem: string;
}

/** Every absolute machine path and every path or link out of the repository in one file's text. */
export function pathProblems(file: string, text: string): TPathProblem[] {
  if (text.includes("\0")) return []; // binary
  const out: TPathProblem[] = [];
  const dir = path.posix.dirname(file);
  text.split("\n").forEach((line, i) => {
    for (const m of [...line.matchAll(ABSOLUTE), ...line.matchAll(WINDOWS)]) {
      if (ALLOWED_ABSOLUTE.some((a) => m[0] === a.prefix || m[0].startsWith(a.prefix.endsWith("/") ? a.prefix : `${a.prefix}`))) continue;
      out.push({ file, line: i + 1, text: m[0], problem: "absolute machine path" });
    }
    for (const m of line.matchAll(RELATIVE)) {
      const token = m[0];
      const resolved = path.posix.normalize(path.posix.join(dir, token));
      if (!resolved.startsWith("../") && resolved !== "..") continue;
      if (ALLOWED_RELATIVE.some((a) => a.file === file && token.startsWith(a.token))) continue;
      out.push({ file, line: i + 1, text: token, problem: "relative path that leaves the repository" });
    }
  });
  return out;
}

describe("paths in the repository", () => {
  it("names no absolute machine path and links to nothing outside the repository", () => {
    const files = repoFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain("README.md");
    const problems = files.flatMap((f) => pathProblems(f, readFileSync(path.join(root, f), "utf8")));
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.problem}: ${p.text}`)).toEqual([]);
  });

  it("README, CONTRIBUTING and docs/ link only to files that exist in the repository", () => {
    const docs = ["README.md", "CONTRIBUTING.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
    for (const doc of docs) {
      const links = [...readFileSync(path.join(root, doc), "utf8").matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:|^#/.test(l));
      if (!doc.startsWith("docs/")) expect(links.length, doc).toBeGreaterThan(0);
      for (const link of links) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(doc), link.split("#")[0]!));
        expect(target.startsWith("../"), `${doc} links outside the repository: ${link}`).toBe(false);
        expect(existsSync(path.join(root, target)), `${doc} links to a missing file: ${link}`).toBe(true);
      }
    }
  });

  it("catches what it is for, and lets through what is allowed", () => {
    const found = (file: string, text: string) => pathProblems(file, text).map((p) => p.text);
    // the bad examples are put together here, so this file itself names no path outside the repository
    const abs = (...parts: string[]) => `/${parts.join("/")}`;
    const beside = ["..", "team-notes", "DESIGN.md"].join("/");
    expect(found("README.md", `See [design](${beside}).`)).toEqual([beside]);
    expect(found("agents/ipmi/README.md", `Byte layouts follow \`${abs("work", "team-notes", "ipmi.md")}\`.`)).toEqual([abs("work", "team-notes", "ipmi.md")]);
    expect(found("scripts/x.sh", `apt-get install >${abs("tmp", "apt.log")} 2>&1`)).toEqual([abs("tmp", "apt.log")]);
    expect(found("x.ts", `const url = "file:${abs("home", "alice", "db.sqlite")}";`)).toEqual([abs("home", "alice", "db.sqlite")]);
    const outside = ["..", "..", "other-repo", "file.md"].join("/");
    expect(found("docs/a.md", `[x](${outside})`)).toEqual([outside]);
    const windows = ["C:", "Users", "bob", "ironledger"].join("\\");
    expect(found("x.ts", `const p = "${windows}";`)).toEqual([windows]);
    // inside the repository, URLs, routes and the allow-list pass
    expect(found("agents/ipmi/probe.ts", 'import type { TBmcProbeResult } from "../../server/contracts/bmc";')).toEqual([]);
    expect(found("docs/a.md", "[lifecycle](../server/domains/assets/lifecycle.ts)")).toEqual([]);
    expect(found("x.ts", 'fetch(`${server}/api/agent/v1/work`); const u = "https://example.com/tmp/x";')).toEqual([]);
    expect(found("x.ts", 'launch({ executablePath: "/usr/bin/chromium" }); const BIN = "/usr/lib/postgresql/15/bin";')).toEqual([]);
    expect(found("x.sh", "#!/usr/bin/env bash\ncmd >/dev/null 2>&1; cat /proc/self/status")).toEqual([]);
    expect(found("x.ts", "readFileSync(`/proc/${pid}/status`); const url = `${AGENT_API_PREFIX}/work`;")).toEqual([]);
  });
});
