// ESLint: typescript-eslint plus import zones that enforce ../shared/DESIGN.md's dependency rules.
import tseslint from "typescript-eslint";

const DB = [
  { group: ["@prisma/*", "**/generated/**", "better-sqlite3", "pg"], message: "Only server/db talks to the database driver or the Prisma client." },
];
const restrict = (patterns, allowTypeImports = false) => ({
  "@typescript-eslint/no-restricted-imports": ["error", { patterns: patterns.map((p) => ({ ...p, allowTypeImports })) }],
});

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "generated/**", "data/**", "next-env.d.ts", "test-results/**", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-empty-object-type": "off",
    },
  },
  {
    // pages and components: data comes through tRPC; only the router's type and pure status/label modules from server/
    files: ["app/**/*.ts", "app/**/*.tsx"],
    // app/_lib/server-trpc.ts is the one server-side entry for Server Components: it builds a tRPC caller
    // (server/router, server/trpc, server/runtime) from the request's cookie; it has its own zone below
    ignores: ["app/api/**", "app/_lib/server-trpc.ts"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!router$|auth/roles$|domains/[a-z-]+/(status|schema)$)", message: "app/ pages get data through tRPC: import only the AppRouter type, auth/roles and a domain's status/schema module from server/." },
      { regex: "^(@/|(\\.\\./)+)(agents|workers)/", message: "pages do not import agents or workers." },
    ]),
  },
  {
    // the RSC entry: the router, its context and the process's deps; still never the database itself
    files: ["app/_lib/server-trpc.ts"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!router$|trpc$|runtime$)", message: "app/_lib/server-trpc.ts imports only server/router, server/trpc and server/runtime." },
      { regex: "^(@/|(\\.\\./)+)(agents|workers)/", message: "pages do not import agents or workers." },
    ]),
  },
  {
    // route handlers are glue: they call server entry points, never the database
    files: ["app/api/**/*.ts"],
    rules: restrict([...DB, { group: ["@/server/db/*", "**/server/db/**"], message: "route handlers call services, not the database." }]),
  },
  {
    // field agents: nothing from server/ but server/contracts; never the database
    files: ["agents/**/*.ts"],
    rules: restrict([
      ...DB,
      { regex: "^(@/|(\\.\\./)+)server/(?!contracts/)", message: "agents/ may import only server/contracts from server/ (agents never touch the database)." },
      { regex: "^(@/|(\\.\\./)+)(app|workers)/", message: "agents/ do not import the web app or workers." },
    ]),
  },
  {
    // the server never depends on pages or workers
    files: ["server/**/*.ts"],
    ignores: ["server/**/*.test.ts"],
    rules: restrict([{ group: ["**/app/**", "@/app/**", "**/workers/**", "@/workers/**"], message: "server/ must not import app/ or workers/." }]),
  },
  {
    // only server/db creates database clients; domains receive them through TDeps
    files: ["server/domains/**/*.ts", "server/rest/**/*.ts", "server/auth/**/*.ts", "workers/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: restrict([...DB], true),
  },
);
