/**
 * Photo search measurements for workers/bench-photo.ts. Requests go one at a
 * time, so each latency is one query's own time plus any wait for a core.
 */
import fs from "node:fs";
import os from "node:os";

import type { Database } from "../../lib/db/client";
import { readNearDuplicateQueries } from "../../lib/evaluation/dataset";
import { fetchHits } from "../../lib/search/hits";
import type { VectorIndex } from "../../lib/vector-index";

export interface QueryPhoto {
  /** Dataset id of the product the photo shows, which is its SKU in the catalogue. */
  id: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface LoadAverage {
  start: number;
  end: number;
}

export interface EndToEndResult {
  requests: number;
  errors: number;
  /** The first few error responses, for the log. */
  errorSamples: string[];
  /** Client-side: from sending the request to reading the whole JSON body. */
  wallMs: LatencySummary;
  /** `tookMs` of the response: the route handler's own time. */
  tookMs: LatencySummary;
  /** Top hit's SKU is the query's dataset id. */
  recallAt1: number;
  /** Top hit is the query's product or one of its copies (`<id>-copy<n>`). */
  recallAt1AnyCopy: number;
  loadAverage: LoadAverage;
}

export interface WorkerResult {
  requests: number;
  errors: number;
  wallMs: LatencySummary;
  /** `tookMs` of the query server: decoding, preprocessing, the forward pass and the index search. */
  tookMs: LatencySummary;
  /** Product ids of the hits of each successful query, for the database measurement. */
  hitIds: number[][];
  loadAverage: LoadAverage;
}

export function readQueryPhotos(dir: string): QueryPhoto[] {
  return readNearDuplicateQueries(dir).map((query) => ({ id: query.id, bytes: new Uint8Array(fs.readFileSync(query.imagePath)) }));
}

/** Nearest-rank percentiles and the mean. */
export function summariseLatency(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const mean = sorted.reduce((total, value) => total + value, 0) / Math.max(1, sorted.length);
  return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), mean };
}

function loadNow(): number {
  return os.loadavg()[0]!;
}

interface PhotoSearchBody {
  hits?: { sku: string }[];
  tookMs?: number;
  error?: { message: string };
}

async function postPhoto(webPort: number, photo: QueryPhoto): Promise<{ wallMs: number; status: number; body: PhotoSearchBody | null }> {
  const form = new FormData();
  form.append("image", new Blob([photo.bytes], { type: "image/jpeg" }), `${photo.id}.jpg`);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${webPort}/api/search/photo`, { method: "POST", body: form });
  const body = (await response.json().catch(() => null)) as PhotoSearchBody | null;
  return { wallMs: performance.now() - started, status: response.status, body };
}

/**
 * POSTs every photo to /api/search/photo `rounds` times, after `warmup`
 * unmeasured requests, and scores the top hit of the first round.
 */
export async function measureEndToEnd(webPort: number, photos: readonly QueryPhoto[], options: { rounds: number; warmup: number }): Promise<EndToEndResult> {
  for (let i = 0; i < options.warmup; i++) await postPhoto(webPort, photos[i % photos.length]!);

  const loadStart = loadNow();
  const wall: number[] = [];
  const took: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let exact = 0;
  let anyCopy = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const photo of photos) {
      const { wallMs, status, body } = await postPhoto(webPort, photo);
      if (status !== 200 || !body?.hits) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${photo.id}: HTTP ${status} ${body?.error?.message ?? ""}`);
        continue;
      }
      wall.push(wallMs);
      took.push(body.tookMs ?? Number.NaN);
      if (round > 0) continue;
      const top = body.hits[0]?.sku ?? "";
      if (top === photo.id) exact++;
      if (top.replace(/-copy\d+$/, "") === photo.id) anyCopy++;
    }
  }
  return {
    requests: options.rounds * photos.length,
    errors,
    errorSamples,
    wallMs: summariseLatency(wall),
    tookMs: summariseLatency(took),
    recallAt1: exact / photos.length,
    recallAt1AnyCopy: anyCopy / photos.length,
    loadAverage: { start: loadStart, end: loadNow() },
  };
}

/** POSTs every photo once to the worker's /embed-search, as the route handler does, without the web server. */
export async function measureWorker(workerPort: number, photos: readonly QueryPhoto[], k: number): Promise<WorkerResult> {
  const loadStart = loadNow();
  const wall: number[] = [];
  const took: number[] = [];
  const hitIds: number[][] = [];
  let errors = 0;
  for (const photo of photos) {
    const body = JSON.stringify({ image: Buffer.from(photo.bytes).toString("base64"), k, allowedProductIds: null });
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${workerPort}/embed-search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const result = (await response.json().catch(() => null)) as { hits?: { productId: number }[]; tookMs?: number } | null;
    const wallMs = performance.now() - started;
    if (!response.ok || !result?.hits) {
      errors++;
      continue;
    }
    wall.push(wallMs);
    took.push(result.tookMs ?? Number.NaN);
    hitIds.push(result.hits.map((hit) => hit.productId));
  }
  return { requests: photos.length, errors, wallMs: summariseLatency(wall), tookMs: summariseLatency(took), hitIds, loadAverage: { start: loadStart, end: loadNow() } };
}

/** Times `index.search` in this process for each query vector, `rounds` times; returns wall and CPU milliseconds per call. */
export function measureIndexSearch(index: VectorIndex, queries: readonly Float32Array[], k: number, rounds: number): { wallMs: LatencySummary; cpuMs: LatencySummary } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const query of queries) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      index.search(query, k);
      wall.push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return { wallMs: summariseLatency(wall), cpuMs: summariseLatency(cpu) };
}

/** Times fetchHits, the route's database step, in this process for each hit list. */
export async function measureHitFetch(database: Database, hitIds: readonly number[][]): Promise<LatencySummary> {
  const wall: number[] = [];
  for (const ids of hitIds) {
    const started = performance.now();
    await fetchHits(database, ids);
    wall.push(performance.now() - started);
  }
  return summariseLatency(wall);
}
