/**
 * An upload that is rejected as a whole: the request gets `status` with
 * `code` and `message`, and nothing is imported. Problems with single rows or
 * files are outcomes in the import report instead.
 */
export class UploadRejectedError extends Error {
  override name = "UploadRejectedError";

  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: UploadRejectionCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type UploadRejectionCode =
  | "invalid_catalogue"
  | "missing_column"
  | "missing_catalogue"
  | "too_many_catalogues"
  | "empty_catalogue"
  | "catalogue_too_large"
  | "upload_too_large"
  | "too_many_files"
  | "invalid_zip"
  | "zip_too_many_entries"
  | "zip_too_large"
  | "invalid_multipart"
  | "unsupported_media_type";
