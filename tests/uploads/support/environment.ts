/**
 * Sets up upload tests: a migrated database (SQLite or PostgreSQL) and a
 * temporary data folder with the attribute list, with environment variables
 * that point the route handlers at both. It creates signed-in users and runs
 * the queued imports with the real worker loop.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { vi } from "vitest";

import { POST as uploadRoute } from "@/app/api/merchant/uploads/route";
import { hashPassword } from "@/lib/auth/password";
import { closeDatabase, getDatabase, type Database } from "@/lib/db/client";
import type { DatabaseProvider } from "@/lib/db/config";
import { uploadLimiter } from "@/lib/uploads/rate-limit";
import { runImportWorker } from "@/lib/uploads/worker";
import { sessionCookie, TEST_AUTH_SECRET } from "@/tests/auth/session-cookie";
import { writeAttributeList } from "@/tests/fixtures/catalogue/dataset";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/databases";

import { uploadRequest, type UploadRequestInit } from "./requests";

export interface TestAccount {
  userId: string;
  merchantId: number | null;
  cookie: string;
}

export interface UploadTestEnvironment {
  /** The database the route handlers use (getDatabase()). */
  database: Database;
  dataDir: string;
  taxonomyDir: string;
  createMerchant(slug: string): Promise<TestAccount>;
  createAdmin(email: string): Promise<TestAccount>;
  /** Sends an upload through POST /api/merchant/uploads. */
  upload(account: TestAccount, init: Omit<UploadRequestInit, "cookie">): Promise<Response>;
  /** Runs the import worker until no upload is queued; returns the number of jobs it ran. */
  runImports(): Promise<number>;
  teardown(): Promise<void>;
}

export async function createUploadTestEnvironment(provider: DatabaseProvider): Promise<UploadTestEnvironment> {
  const testDatabase: TestDatabase = await createTestDatabase(provider);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-uploads-"));
  const dataDir = path.join(root, "data");
  const taxonomyDir = path.join(root, "taxonomy");
  fs.mkdirSync(taxonomyDir, { recursive: true });
  writeAttributeList(taxonomyDir);

  vi.stubEnv("DATABASE_URL", testDatabase.config.url);
  vi.stubEnv("AUTH_SECRET", TEST_AUTH_SECRET);
  vi.stubEnv("STYLELENS_DATA_DIR", dataDir);
  vi.stubEnv("STYLELENS_TAXONOMY_DIR", taxonomyDir);
  await closeDatabase();
  const database = getDatabase();
  const passwordHash = await hashPassword("irrelevant password", { logCost: 10, blockSize: 8, parallelism: 1 });

  return {
    database,
    dataDir,
    taxonomyDir,
    async createMerchant(slug) {
      const merchant = await database.prisma.merchant.create({ data: { slug, name: slug } });
      const user = await database.prisma.user.create({ data: { email: `${slug}@example.com`, passwordHash, merchantId: merchant.id } });
      uploadLimiter().reset(String(merchant.id));
      return { userId: user.id, merchantId: merchant.id, cookie: await sessionCookie(user.id) };
    },
    async createAdmin(email) {
      const user = await database.prisma.user.create({ data: { email, passwordHash, role: "admin" } });
      return { userId: user.id, merchantId: null, cookie: await sessionCookie(user.id) };
    },
    async upload(account, init) {
      if (account.merchantId !== null) uploadLimiter().reset(String(account.merchantId));
      return uploadRoute(uploadRequest({ ...init, cookie: account.cookie }), { params: Promise.resolve({}) });
    },
    async runImports() {
      return runImportWorker({ database, workerId: "test-worker", signal: new AbortController().signal, untilEmpty: true });
    },
    async teardown() {
      await closeDatabase();
      vi.unstubAllEnvs();
      await testDatabase.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
