/**
 * Streams a multipart/form-data upload to disk with busboy, so no file is
 * ever held in memory whole. The form has two file fields:
 *
 * - "catalogue": exactly one CSV file;
 * - "images": any number of ZIP files and image files. The browser may send
 *   a file's path inside a dropped folder as its name.
 *
 * A file's kind comes from its first bytes (a ZIP local-file signature or
 * not), never from its name. Limits are enforced while the bytes arrive. A
 * request over the total size or file count is rejected at once, and so is a
 * CSV over its size. An image over the per-image size is dropped with a
 * per-file reason.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

import busboy from "busboy";

import { UploadRejectedError } from "./errors";
import { EMPTY_FILE_REASON, isSystemFile, normaliseUploadPath } from "./file-names";
import { formatBytes, type UploadLimits } from "./limits";
import { CATALOGUE_FILE_NAME, FILES_FOLDER } from "./paths";

export const CATALOGUE_FIELD = "catalogue";
export const IMAGES_FIELD = "images";

/** Max text fields (a submit button's value, for example), which are ignored. */
const MAX_TEXT_FIELDS = 20;
/** Bytes of multipart framing (boundaries, part headers) allowed per file on top of the upload limit. */
const FRAMING_BYTES_PER_FILE = 1024;

/** First bytes of a ZIP: a local file header, or the end record of an empty archive. */
const ZIP_SIGNATURES = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];
const SIGNATURE_LENGTH = 4;

export interface ReceivedFile {
  /** The normalised name the browser sent, which may include folders. */
  name: string;
  /** Path relative to the upload folder. */
  storedAs: string;
  bytes: number;
}

export interface RejectedFile {
  name: string;
  reason: string;
}

export interface ReceivedParts {
  catalogue: ReceivedFile | null;
  archives: ReceivedFile[];
  images: ReceivedFile[];
  /** Files dropped on arrival, with the reason. */
  rejected: RejectedFile[];
  /** File bytes received, all parts together. */
  bytes: number;
}

export interface ReceiveOptions {
  limits: UploadLimits;
  /**
   * Runs once the CSV is on disk. When it throws an UploadRejectedError, the
   * rest of the request is still read, so the client receives the error
   * response, but nothing more is written and the request rejects with that
   * error.
   */
  onCatalogue?: (file: ReceivedFile) => Promise<void>;
}

/** Reads the request body into `folder`; throws UploadRejectedError for a request that is rejected as a whole. */
export async function receiveMultipart(request: Request, folder: string, options: ReceiveOptions): Promise<ReceivedParts> {
  const { limits } = options;
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new UploadRejectedError(
      415,
      "unsupported_media_type",
      `Send the upload as multipart/form-data with a "${CATALOGUE_FIELD}" CSV file and "${IMAGES_FIELD}" files, not "${contentType || "no content type"}".`,
    );
  }
  const declaredLength = Number(request.headers.get("content-length") ?? "NaN");
  const maxRequestBytes = limits.uploadBytes + (limits.files + MAX_TEXT_FIELDS) * FRAMING_BYTES_PER_FILE;
  if (declaredLength > maxRequestBytes) throw uploadTooLarge(limits);
  if (!request.body) throw new UploadRejectedError(400, "invalid_multipart", "The request has no body: attach the CSV and the images.");

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      preservePath: true,
      defParamCharset: "utf8",
      limits: {
        files: limits.files,
        fileSize: limits.uploadBytes + 1,
        fields: MAX_TEXT_FIELDS,
        fieldSize: 1024,
        parts: limits.files + MAX_TEXT_FIELDS,
        headerPairs: 20,
      },
    });
  } catch (error) {
    throw new UploadRejectedError(400, "invalid_multipart", `The multipart request is invalid: ${(error as Error).message}.`);
  }

  await fs.promises.mkdir(path.join(folder, FILES_FOLDER), { recursive: true });
  const receiver = new PartReceiver(folder, options, parser);
  const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
  return receiver.run(body);
}

/** The state of one request's parts while busboy reads them. */
class PartReceiver {
  private readonly result: ReceivedParts = { catalogue: null, archives: [], images: [], rejected: [], bytes: 0 };
  private readonly tasks = new Set<Promise<void>>();
  private failure: Error | null = null;
  private body: Readable | null = null;
  private fileCount = 0;
  /** Set when the CSV part starts, before its bytes are written, so a second CSV part is caught at once. */
  private catalogueStarted = false;

  constructor(
    private readonly folder: string,
    private readonly options: ReceiveOptions,
    private readonly parser: busboy.Busboy,
  ) {}

  run(body: Readable): Promise<ReceivedParts> {
    this.body = body;
    const { parser } = this;
    const { limits } = this.options;

    return new Promise<ReceivedParts>((resolve, reject) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        void Promise.allSettled([...this.tasks]).then(() => (this.failure ? reject(this.failure) : resolve(this.result)));
      };

      parser.on("file", (field, stream, info) => this.track(this.receiveFile(field, stream, info.filename ?? "")));
      parser.on("field", () => undefined);
      parser.on("filesLimit", () =>
        this.abort(new UploadRejectedError(413, "too_many_files", `The upload has more than ${limits.files} files; split it into several uploads.`)),
      );
      parser.on("partsLimit", () =>
        this.abort(new UploadRejectedError(413, "too_many_files", `The upload has more than ${limits.files} files; split it into several uploads.`)),
      );
      parser.on("fieldsLimit", () =>
        this.abort(new UploadRejectedError(400, "invalid_multipart", `The form has more than ${MAX_TEXT_FIELDS} text fields.`)),
      );
      parser.on("error", (error: Error) => {
        this.fail(new UploadRejectedError(400, "invalid_multipart", `The multipart request could not be read: ${error.message}.`));
        finish();
      });
      parser.on("close", finish);
      body.on("error", (error) => {
        this.abort(new UploadRejectedError(400, "invalid_multipart", `The request body could not be read: ${error.message}.`));
        finish();
      });
      body.pipe(parser);
    });
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }

  private fail(error: Error): void {
    this.failure ??= error;
  }

  /** Stops reading the request and closes the open parts; `error` becomes the response. */
  private abort(error: Error): void {
    this.fail(error);
    this.body?.unpipe(this.parser);
    this.body?.destroy();
    this.parser.destroy(error);
  }

  private async receiveFile(field: string, stream: Readable, filename: string): Promise<void> {
    if (this.failure) {
      stream.resume();
      return;
    }
    if (field === CATALOGUE_FIELD) return this.receiveCatalogue(stream, filename);
    if (field !== IMAGES_FIELD) {
      stream.resume();
      this.fail(
        new UploadRejectedError(400, "invalid_multipart", `Unknown form field "${field}": send "${CATALOGUE_FIELD}" and "${IMAGES_FIELD}" files only.`),
      );
      return;
    }

    const name = normaliseUploadPath(filename);
    if (!name.ok) {
      stream.resume();
      // An empty name is the empty part a browser sends for a file input left blank.
      if (filename.trim() !== "") this.result.rejected.push({ name: filename, reason: name.reason });
      return;
    }
    if (isSystemFile(name.path)) {
      stream.resume();
      return;
    }

    const storedAs = `${FILES_FOLDER}/${this.fileCount++}`;
    const { limits } = this.options;
    const stored = await this.storePart(stream, storedAs, (head) => (isZip(head) ? limits.uploadBytes : limits.imageBytes));
    if (stored.tooLarge) {
      this.result.rejected.push({ name: name.path, reason: `the file is larger than ${formatBytes(limits.imageBytes)}, the maximum for an image` });
      return;
    }
    if (stored.bytes === 0) {
      await fs.promises.rm(path.join(this.folder, storedAs), { force: true });
      this.result.rejected.push({ name: name.path, reason: EMPTY_FILE_REASON });
      return;
    }
    const file: ReceivedFile = { name: name.path, storedAs, bytes: stored.bytes };
    (isZip(stored.head) ? this.result.archives : this.result.images).push(file);
  }

  private async receiveCatalogue(stream: Readable, filename: string): Promise<void> {
    if (this.catalogueStarted) {
      stream.resume();
      this.fail(new UploadRejectedError(400, "too_many_catalogues", `Send one CSV file in the "${CATALOGUE_FIELD}" field, not several.`));
      return;
    }

    this.catalogueStarted = true;
    const { limits } = this.options;
    const stored = await this.storePart(stream, CATALOGUE_FILE_NAME, () => limits.csvBytes);
    if (stored.tooLarge) {
      this.abort(
        new UploadRejectedError(413, "catalogue_too_large", `The CSV file is larger than ${formatBytes(limits.csvBytes)}; split it into several uploads.`),
      );
      return;
    }

    const name = normaliseUploadPath(filename);
    const file: ReceivedFile = { name: name.ok ? name.path : CATALOGUE_FILE_NAME, storedAs: CATALOGUE_FILE_NAME, bytes: stored.bytes };
    this.result.catalogue = file;
    if (this.options.onCatalogue && !this.failure) {
      try {
        await this.options.onCatalogue(file);
      } catch (error) {
        this.fail(error as Error);
      }
    }
  }

  /**
   * Writes one part to `storedAs`, with manual backpressure: busboy must keep
   * reading a part to the end, even after the part is dropped, or the rest of
   * the form stalls. `limitFor` gets the first bytes and returns the part's
   * size limit; a larger part is deleted and reported as too large.
   */
  private storePart(
    stream: Readable,
    storedAs: string,
    limitFor: (head: Buffer) => number,
  ): Promise<{ bytes: number; head: Buffer; tooLarge: boolean }> {
    const target = path.join(this.folder, storedAs);
    const { limits } = this.options;

    return new Promise((resolve, reject) => {
      const output = fs.createWriteStream(target, { flags: "wx" });
      let bytes = 0;
      let head = Buffer.alloc(0);
      let limit = Number.POSITIVE_INFINITY;
      let dropped = false;
      let writeError: Error | null = null;

      const drop = () => {
        if (dropped) return;
        dropped = true;
        output.destroy();
        stream.resume();
      };
      output.on("error", (error) => {
        writeError ??= error;
        drop();
      });

      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        this.result.bytes += chunk.length;
        if (this.result.bytes > limits.uploadBytes) {
          this.abort(uploadTooLarge(limits));
          return;
        }
        if (head.length < SIGNATURE_LENGTH) {
          head = Buffer.concat([head, chunk.subarray(0, SIGNATURE_LENGTH - head.length)]);
          if (head.length === SIGNATURE_LENGTH) limit = limitFor(head);
        }
        if (bytes > limit || this.failure) drop();
        if (dropped) return;
        if (!output.write(chunk)) {
          stream.pause();
          output.once("drain", () => stream.resume());
        }
      });

      stream.on("error", (error) => {
        output.destroy();
        reject(error);
      });

      stream.on("end", () => {
        const tooLarge = bytes > Math.min(limit, limitFor(head));
        const settle = () => {
          if (writeError) reject(writeError);
          else resolve({ bytes, head, tooLarge });
        };
        if (dropped) {
          void fs.promises.rm(target, { force: true }).then(settle, reject);
        } else {
          output.end(settle);
        }
      });
    });
  }
}

function isZip(head: Buffer): boolean {
  return ZIP_SIGNATURES.some((signature) => head.length >= SIGNATURE_LENGTH && head.subarray(0, SIGNATURE_LENGTH).equals(signature));
}

function uploadTooLarge(limits: UploadLimits): UploadRejectedError {
  return new UploadRejectedError(413, "upload_too_large", `The upload is larger than ${formatBytes(limits.uploadBytes)}; split it into several uploads.`);
}
