/**
 * Handlers of the merchant upload API. Route files under app/api/merchant
 * wrap them with `withRole`, so each handler gets an authorised user. The
 * tenancy helpers then return nothing for another shop's batch or job, which
 * the handlers turn into 404.
 *
 * - POST   /api/merchant/uploads               merchant: multipart upload, 202 with the batch id
 * - GET    /api/merchant/uploads               merchant, admin: newest import batches
 * - GET    /api/merchant/uploads/template      merchant, admin: the CSV template
 * - GET    /api/merchant/uploads/{id}          merchant, admin: progress
 * - DELETE /api/merchant/uploads/{id}          merchant, admin: delete a queued, done or failed upload
 * - GET    /api/merchant/uploads/{id}/report   merchant, admin: the CSV report (?outcome=skipped for rejections only)
 * - GET    /api/merchant/jobs/{id}             merchant, admin: one background job
 */
import { z } from "zod";

import type { GuardedContext, GuardedHandler } from "../auth/api-guard";
import { jsonError, jsonOk, rateLimitedResponse } from "../auth/http";
import type { SlidingWindowLimiter } from "../auth/rate-limit";
import { getMerchantImportBatch, getMerchantJob, listMerchantImportBatches } from "../auth/tenancy";
import { logger } from "../logger";
import { queueUploadImport } from "./create-upload";
import { UploadRejectedError } from "./errors";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./limits";
import { deleteUpload } from "./manage";
import { getUploadProgress } from "./progress";
import { countActiveUploads, MAX_ACTIVE_UPLOADS, uploadLimiter } from "./rate-limit";
import { receiveUpload } from "./receive";
import { buildUploadReport } from "./report";
import { TEMPLATE_FILE_NAME, templateCsv } from "./template";

export const UPLOAD_ROLES = ["merchant"] as const;
export const UPLOAD_READ_ROLES = ["merchant", "admin"] as const;

type NoParams = Record<string, never>;
type IdParams = { id: string };

const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export interface UploadHandlerOptions {
  limits?: UploadLimits;
  limiter?: () => SlidingWindowLimiter;
  /** Data folder for upload files; dataDir() by default. */
  dataDir?: () => string | undefined;
}

/** Paths a client follows after an upload. */
export function uploadUrls(batchId: number) {
  return {
    progressPageUrl: `/merchant/uploads/${batchId}`,
    statusUrl: `/api/merchant/uploads/${batchId}`,
    reportUrl: `/api/merchant/uploads/${batchId}/report`,
  };
}

export function createUploadHandler(options: UploadHandlerOptions = {}): GuardedHandler<NoParams> {
  const limits = options.limits ?? DEFAULT_UPLOAD_LIMITS;
  const limiter = options.limiter ?? uploadLimiter;

  return async (request, { user, database, requestId }) => {
    const merchantId = user.merchantId;
    if (merchantId === null) {
      return jsonError(403, "forbidden", "Uploads need a merchant account with a shop.", requestId);
    }

    const decision = limiter().consume(String(merchantId));
    if (!decision.allowed) return rateLimitedResponse(decision.retryAfterMs, requestId, "uploads");

    const active = await countActiveUploads(database.prisma, merchantId);
    if (active >= MAX_ACTIVE_UPLOADS) {
      return jsonError(
        429,
        "too_many_active_uploads",
        `${active} of your uploads are still importing; wait until one finishes, then upload again.`,
        requestId,
        { details: { active, maximum: MAX_ACTIVE_UPLOADS } },
      );
    }

    let upload;
    try {
      upload = await receiveUpload(request, { limits, dataDir: options.dataDir?.() });
    } catch (error) {
      if (!(error instanceof UploadRejectedError)) throw error;
      logger.info({ requestId, merchantId, code: error.code, status: error.status }, "upload rejected");
      return jsonError(error.status, error.code, error.message, requestId, { details: error.details });
    }

    const queued = await queueUploadImport(database, merchantId, upload);
    const { manifest } = upload;
    logger.info(
      { requestId, merchantId, batchId: queued.batchId, jobId: queued.jobId, rows: manifest.catalogue.rows },
      "upload received and queued",
    );

    const urls = uploadUrls(queued.batchId);
    const body = {
      batchId: queued.batchId,
      jobId: queued.jobId,
      status: "queued",
      rows: manifest.catalogue.rows,
      files: {
        images: manifest.images.length,
        archives: manifest.archives.map((archive) => ({ name: archive.name, entries: archive.entries.length })),
        rejected: manifest.rejected,
      },
      ...urls,
    };
    return Response.json(body, {
      status: 202,
      headers: { "cache-control": "no-store", "x-request-id": requestId, location: urls.statusUrl },
    });
  };
}

export async function listUploadsHandler(request: Request, context: GuardedContext<NoParams>): Promise<Response> {
  const limit = z.coerce.number().int().min(1).max(100).optional().safeParse(new URL(request.url).searchParams.get("limit") ?? undefined);
  if (!limit.success) return jsonError(422, "invalid_request", "limit: use a whole number from 1 to 100.", context.requestId);

  const batches = await listMerchantImportBatches(context.database.prisma, context.user, { limit: limit.data });
  return jsonOk({ uploads: batches.map((batch) => ({ ...batch, ...uploadUrls(batch.id) })) }, context.requestId);
}

export async function getUploadHandler(_request: Request, context: GuardedContext<IdParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return uploadNotFound(context);

  const progress = await getUploadProgress(context.database, context.user, id.data);
  if (!progress) return uploadNotFound(context);
  return jsonOk({ upload: progress, ...uploadUrls(progress.id) }, context.requestId);
}

export function createDeleteUploadHandler(options: UploadHandlerOptions = {}): GuardedHandler<IdParams> {
  return async (_request, context) => {
    const id = positiveId.safeParse(context.params.id);
    if (!id.success) return uploadNotFound(context);

    const result = await deleteUpload(context.database, context.user, id.data, options.dataDir?.());
    switch (result) {
      case "not_found":
        return uploadNotFound(context);
      case "not_an_upload":
        return jsonError(409, "not_an_upload", `Import ${id.data} is a catalogue import, not an upload, and cannot be deleted here.`, context.requestId);
      case "running":
        return jsonError(409, "import_running", `Upload ${id.data} is importing now; delete it once it has finished.`, context.requestId);
      case "deleted":
        return new Response(null, { status: 204, headers: { "x-request-id": context.requestId } });
    }
  };
}

export async function getReportHandler(request: Request, context: GuardedContext<IdParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return uploadNotFound(context);

  const batch = await getMerchantImportBatch(context.database.prisma, context.user, id.data);
  if (!batch) return uploadNotFound(context);

  const outcome = new URL(request.url).searchParams.get("outcome");
  if (outcome !== null && outcome !== "skipped") {
    return jsonError(422, "invalid_request", 'outcome: leave it out for every row, or use "skipped" for rejected rows and files.', context.requestId);
  }
  const report = await buildUploadReport(context.database.prisma, batch.id, { rejectedOnly: outcome === "skipped" });
  const fileName = `upload-${batch.id}-${outcome === "skipped" ? "rejected" : "report"}.csv`;
  return new Response(report, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-request-id": context.requestId,
    },
  });
}

export async function getTemplateHandler(_request: Request, context: GuardedContext<NoParams>): Promise<Response> {
  return new Response(templateCsv(), {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${TEMPLATE_FILE_NAME}"`,
      "x-content-type-options": "nosniff",
      "x-request-id": context.requestId,
    },
  });
}

export async function getJobHandler(_request: Request, context: GuardedContext<IdParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  const job = id.success ? await getMerchantJob(context.database.prisma, context.user, id.data) : undefined;
  if (!job) return jsonError(404, "not_found", `Job ${context.params.id} was not found.`, context.requestId);
  return jsonOk({ job }, context.requestId);
}

function uploadNotFound(context: GuardedContext<IdParams>): Response {
  return jsonError(404, "not_found", `Upload ${context.params.id} was not found.`, context.requestId);
}
