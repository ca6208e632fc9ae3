/**
 * ZIP safety: the central-directory checks made while an upload is received
 * and the byte counting while entries are extracted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { UploadRejectedError } from "@/lib/uploads/errors";
import { extractZipEntries, readZipDirectory, ZipBombError, type ZipLimits } from "@/lib/uploads/zip";

import { buildZip, type TestZipEntry } from "./support/zip-writer";

const LIMITS: ZipLimits = { zipEntries: 50, zipUncompressedBytes: 1_000_000, imageBytes: 200_000 };

let folder: string;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-zip-"));
});

afterEach(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

function writeZip(entries: readonly TestZipEntry[], name = "images.zip"): string {
  const file = path.join(folder, name);
  fs.writeFileSync(file, buildZip(entries));
  return file;
}

async function directory(entries: readonly TestZipEntry[], limits = LIMITS) {
  return readZipDirectory(writeZip(entries), "images.zip", limits, limits.zipUncompressedBytes);
}

async function extract(entries: readonly TestZipEntry[], limits = LIMITS) {
  const file = writeZip(entries);
  const plans = (await readZipDirectory(file, "images.zip", limits, limits.zipUncompressedBytes)).entries;
  const total = { bytes: 0 };
  const out = path.join(folder, "extracted");
  const results = await extractZipEntries(file, "images.zip", plans, { folder: out, storedPrefix: "extracted", filePrefix: "0-", limits, total });
  return { results, total, out };
}

describe("readZipDirectory", () => {
  it("rejects entries that leave the folder or are absolute", async () => {
    const { entries } = await directory([
      { name: "shirts/ok.jpg", data: "a" },
      { name: "../escape.jpg", data: "b" },
      { name: "shirts/../../escape.jpg", data: "c" },
      { name: "/etc/passwd", data: "d" },
      { name: "C:\\Windows\\evil.jpg", data: "e" },
    ]);

    expect(entries.map((entry) => [entry.name, entry.rejected ?? "accepted"])).toEqual([
      ["shirts/ok.jpg", "accepted"],
      ["../escape.jpg", 'the path contains "..", which would leave the upload folder'],
      ["shirts/../../escape.jpg", 'the path contains "..", which would leave the upload folder'],
      ["/etc/passwd", "the path is absolute; only paths relative to the upload are accepted"],
      // yauzl turns backslashes into slashes, as Windows tools mean them.
      ["C:/Windows/evil.jpg", "the path is absolute; only paths relative to the upload are accepted"],
    ]);
  });

  it("rejects symbolic links and special files", async () => {
    const { entries } = await directory([
      { name: "link.jpg", data: "/etc/passwd", unixMode: 0o120777 },
      { name: "fifo.jpg", data: "", unixMode: 0o010644 },
    ]);

    expect(entries.map((entry) => entry.rejected)).toEqual([
      "the entry is a symbolic link; the archive must contain the image files themselves",
      "the entry is not a regular file",
    ]);
  });

  it("skips folders and operating-system files", async () => {
    const { entries, entryCount } = await directory([
      { name: "shirts/", data: "" },
      { name: "__MACOSX/shirts/._a.jpg", data: "x" },
      { name: "shirts/.DS_Store", data: "x" },
      { name: "shirts/a.jpg", data: "x" },
    ]);

    expect(entryCount).toBe(4);
    expect(entries.map((entry) => entry.name)).toEqual(["shirts/a.jpg"]);
  });

  it("rejects an entry declaring more than an image may have", async () => {
    const { entries, declaredBytes } = await directory([
      { name: "small.jpg", data: "x" },
      { name: "huge.jpg", data: "x", declaredSize: LIMITS.imageBytes + 1 },
    ]);

    expect(entries[1]?.rejected).toBe("the file is 195.3 KiB uncompressed; the maximum for an image is 195.3 KiB");
    expect(declaredBytes).toBe(1);
  });

  it("rejects too many entries before reading them", async () => {
    const entries = Array.from({ length: 6 }, (_, index) => ({ name: `${index}.jpg`, data: "x" }));

    const error = await directory(entries, { ...LIMITS, zipEntries: 5 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadRejectedError);
    expect((error as UploadRejectedError).code).toBe("zip_too_many_entries");
    expect((error as UploadRejectedError).status).toBe(413);
    expect((error as Error).message).toBe("images.zip has 6 entries; the maximum is 5. Split it into several ZIP files and uploads.");
  });

  it("rejects a ZIP bomb by its declared sizes", async () => {
    const limits = { ...LIMITS, zipUncompressedBytes: 250_000 };
    const entries = Array.from({ length: 3 }, (_, index) => ({ name: `${index}.jpg`, data: Buffer.alloc(100_000) }));

    const error = await directory(entries, limits).catch((caught: unknown) => caught);

    expect((error as UploadRejectedError).code).toBe("zip_too_large");
    expect((error as Error).message).toBe(
      "images.zip declares 293 KiB of uncompressed files; an upload may unpack to at most 244.1 KiB.",
    );
  });

  it("rejects a file that is not a ZIP", async () => {
    const file = path.join(folder, "fake.zip");
    fs.writeFileSync(file, "PK\u0003\u0004 but nothing else");

    const error = await readZipDirectory(file, "fake.zip", LIMITS, LIMITS.zipUncompressedBytes).catch((caught: unknown) => caught);

    expect((error as UploadRejectedError).code).toBe("invalid_zip");
    expect((error as Error).message).toMatch(/^fake\.zip is not a readable ZIP file \(/);
  });
});

describe("extractZipEntries", () => {
  it("writes accepted entries under generated names only", async () => {
    const { results, out } = await extract([
      { name: "shirts/a.jpg", data: "first" },
      { name: "../b.jpg", data: "second" },
      { name: "c.jpg", data: "third", method: "store" },
    ]);

    expect(results).toEqual([
      { index: 0, name: "shirts/a.jpg", storedAs: "extracted/0-0", bytes: 5 },
      { index: 2, name: "c.jpg", storedAs: "extracted/0-2", bytes: 5 },
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(["0-0", "0-2"]);
    expect(fs.existsSync(path.join(folder, "b.jpg"))).toBe(false);
  });

  it("stops an entry that inflates beyond its declared size", async () => {
    const { results, total, out } = await extract([{ name: "bomb.jpg", data: Buffer.alloc(5_000_000), declaredSize: 1_000 }]);

    expect(results).toEqual([
      {
        index: 0,
        name: "bomb.jpg",
        rejected: "the entry inflates to more than the 1000 bytes its header declares, so extraction stopped (a sign of a ZIP bomb)",
      },
    ]);
    expect(total.bytes).toBeLessThanOrEqual(1_000 + 64 * 1024);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("stops the whole extraction at the upload's byte limit", async () => {
    const file = writeZip([
      { name: "a.jpg", data: Buffer.alloc(150_000) },
      { name: "b.jpg", data: Buffer.alloc(150_000) },
    ]);
    const plans = (await readZipDirectory(file, "images.zip", LIMITS, LIMITS.zipUncompressedBytes)).entries;
    // A tighter limit at extraction than at reading stands for headers that under-declare in total.
    const limits = { ...LIMITS, zipUncompressedBytes: 200_000 };
    const total = { bytes: 0 };

    const error = await extractZipEntries(file, "images.zip", plans, {
      folder: path.join(folder, "extracted"),
      storedPrefix: "extracted",
      filePrefix: "0-",
      limits,
      total,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ZipBombError);
    expect((error as Error).message).toBe(
      "The ZIP files inflate to more than 195.3 KiB; extraction stopped there. Check the archive, or split it into several uploads.",
    );
    expect(total.bytes).toBeLessThanOrEqual(200_000 + 64 * 1024);
    expect(fs.readdirSync(path.join(folder, "extracted"))).toEqual(["0-0"]);
  });

  it("rejects an under-declared entry larger than an image may be", async () => {
    const { results } = await extract([{ name: "big.jpg", data: Buffer.alloc(LIMITS.imageBytes + 10), declaredSize: 100 }]);

    expect(results).toEqual([
      {
        index: 0,
        name: "big.jpg",
        rejected: "the entry inflates to more than the 100 bytes its header declares, so extraction stopped (a sign of a ZIP bomb)",
      },
    ]);
  });
});
