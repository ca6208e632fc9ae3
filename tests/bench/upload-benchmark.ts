/**
 * Benchmarks the bulk upload path on the "Fashion Product Images" catalogue.
 * styles.csv and a ZIP of its images go through the upload handler
 * (multipart parsing, CSV check, ZIP directory check). The import worker then
 * unpacks the ZIP, checks each image, renders thumbnails, writes products and
 * queues tagging. Everything runs in this process, on a fresh SQLite database.
 *
 *   npx tsx tests/bench/upload-benchmark.ts [--dataset DIR] [--work DIR]
 *
 * Uploads twice: the first upload imports every product, and the second sends
 * the same files, so every row is unchanged. Prints wall-clock and CPU time
 * per phase and the peak resident memory of the process. The ZIP is written
 * before measuring, by streaming, so it adds little to the peak.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import zlib from "node:zlib";

import { closeDatabase, getDatabase } from "../../lib/db/client";
import { applyMigrations, migrationsFolder } from "../../lib/db/migrate";
import { createUploadHandler } from "../../lib/uploads/api";
import { runImportWorker } from "../../lib/uploads/worker";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const MEMORY_SAMPLE_MS = 200;

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: path.join(ROOT, "..", "shared", "datasets", "fashion-products") },
    work: { type: "string", default: path.join(os.tmpdir(), "stylelens-upload-bench") },
  },
});
const datasetDir = path.resolve(values.dataset as string);
const workDir = path.resolve(values.work as string);

/** Writes a ZIP of images/<id>.jpg with stored (uncompressed) entries, one file in memory at a time. */
async function writeDatasetZip(target: string): Promise<number> {
  const names = (await fs.promises.readdir(path.join(datasetDir, "images"))).filter((name) => name.endsWith(".jpg")).sort();
  const output = fs.createWriteStream(target);
  const central: Buffer[] = [];
  let offset = 0;
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => output.write(chunk, (error) => (error ? reject(error) : resolve())));

  for (const name of names) {
    const data = await fs.promises.readFile(path.join(datasetDir, "images", name));
    const entryName = Buffer.from(`images/${name}`);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(entryName.length, 26);
    await write(Buffer.concat([local, entryName, data]));

    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | 20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(data.length, 20);
    record.writeUInt32LE(data.length, 24);
    record.writeUInt16LE(entryName.length, 28);
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    central.push(record, entryName);
    offset += local.length + entryName.length + data.length;
  }

  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(Buffer.concat([directory, end]));
  await new Promise<void>((resolve) => output.end(resolve));
  return names.length;
}

/** Builds a multipart/form-data request whose body streams the files from disk. */
function multipartRequest(files: { field: string; name: string; path: string; type: string }[]): Request {
  const boundary = `----stylelens-bench-${randomUUID()}`;
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const file of files) {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      );
      for await (const chunk of fs.createReadStream(file.path, { highWaterMark: 1024 * 1024 })) yield chunk as Buffer;
      yield Buffer.from("\r\n");
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  const stream = Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array>;
  return new Request("http://127.0.0.1:3000/api/merchant/uploads", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" },
    body: stream,
    duplex: "half",
  } as RequestInit);
}

interface Phase {
  wallMs: number;
  cpuMs: number;
}

async function measure<T>(run: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { result, phase: { wallMs: Math.round(performance.now() - started), cpuMs: Math.round((used.user + used.system) / 1000) } };
}

async function main(): Promise<void> {
  fs.rmSync(workDir, { recursive: true, force: true });
  const dataDir = path.join(workDir, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  const zipPath = path.join(workDir, "images.zip");
  const imageCount = await writeDatasetZip(zipPath);
  console.log(`wrote ${zipPath}: ${imageCount} images, ${(fs.statSync(zipPath).size / 1024 / 1024).toFixed(1)} MiB`);

  const databaseUrl = `file:${path.join(dataDir, "stylelens.db")}`;
  process.env.DATABASE_URL = databaseUrl;
  process.env.STYLELENS_DATA_DIR = dataDir;
  await applyMigrations({ provider: "sqlite", url: databaseUrl, sqlitePath: path.join(dataDir, "stylelens.db") }, migrationsFolder(ROOT, "sqlite"));
  const database = getDatabase();
  const merchant = await database.prisma.merchant.create({ data: { slug: "bench", name: "Bench" } });
  const account = await database.prisma.user.create({ data: { email: "bench@example.com", merchantId: merchant.id } });

  let peakRss = process.memoryUsage().rss;
  const baselineRss = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, MEMORY_SAMPLE_MS);

  const handler = createUploadHandler();
  const user = { id: account.id, email: account.email, name: null, role: "merchant" as const, merchantId: merchant.id };

  /** Uploads the CSV and the ZIP, then runs the import worker until the queue is empty. */
  async function uploadAndImport(label: string) {
    const upload = await measure(async () => {
      const request = multipartRequest([
        { field: "catalogue", name: "styles.csv", path: path.join(datasetDir, "styles.csv"), type: "text/csv" },
        { field: "images", name: "images.zip", path: zipPath, type: "application/zip" },
      ]);
      const response = await handler(request, { user, database, requestId: label, params: {} });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { batchId: number };
    });
    const importPhase = await measure(() =>
      runImportWorker({ database, workerId: label, signal: new AbortController().signal, untilEmpty: true }),
    );
    const batch = await database.prisma.importBatch.findUniqueOrThrow({ where: { id: upload.result.batchId } });
    return {
      status: batch.status,
      rows: batch.rowsTotal,
      imported: batch.imported,
      updated: batch.updated,
      unchanged: batch.unchanged,
      skipped: batch.skipped,
      tagJobsQueued: await database.prisma.job.count({ where: { type: "tag-image", status: "queued" } }),
      uploadPhase: upload.phase,
      importPhase: importPhase.phase,
      totalWallMs: upload.phase.wallMs + importPhase.phase.wallMs,
    };
  }

  const firstUpload = await uploadAndImport("first-upload");
  const rssAfterFirst = process.memoryUsage().rss;
  // Stand in for the vision worker, which marks jobs done and images tagged.
  // Then the same files again: every row unchanged, no picture re-stored or re-tagged.
  await database.prisma.job.updateMany({ where: { type: "tag-image" }, data: { status: "done" } });
  await database.prisma.productImage.updateMany({ data: { status: "tagged" } });
  const reupload = await uploadAndImport("re-upload");
  clearInterval(sampler);

  const result = {
    machine: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
    firstUpload,
    reupload,
    baselineRssMiB: Math.round(baselineRss / 1024 / 1024),
    rssAfterFirstMiB: Math.round(rssAfterFirst / 1024 / 1024),
    peakRssSampledMiB: Math.round(peakRss / 1024 / 1024),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(result, null, 2));
  await closeDatabase();
}

await main();
