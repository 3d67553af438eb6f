/**
 * Integration tests run on SQLite AND PostgreSQL. Uses TEST_POSTGRES_URL (an
 * admin URL whose role may CREATE DATABASE) when given; otherwise starts a
 * throwaway PostgreSQL 15 on a private loopback port and stops it by PID.
 */
import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres";

export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_POSTGRES_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const server = await startPostgres();
    adminUrl = server.url;
    stop = server.stop;
  }
  project.provide("postgresAdminUrl", adminUrl);
  return async () => {
    await stop?.();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}
