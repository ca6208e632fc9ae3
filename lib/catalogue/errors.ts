/**
 * A problem that stops a whole import before or while it runs (a missing
 * folder, a missing required column, an unreadable file). Its message is one
 * line that names the file or folder and the fix, so a command line can print
 * it as is. Problems with single rows are row outcomes, not errors.
 */
export class CatalogueImportError extends Error {
  override name = "CatalogueImportError";
}

/** The header lacks a required column; `columns` lists the missing names as the message writes them. */
export class MissingColumnError extends CatalogueImportError {
  override name = "MissingColumnError";

  constructor(
    message: string,
    readonly columns: readonly string[],
  ) {
    super(message);
  }
}
