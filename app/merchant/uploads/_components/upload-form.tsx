"use client";

import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";

export interface UploadFormLimits {
  csvBytes: number;
  imageBytes: number;
  uploadBytes: number;
  files: number;
}

interface ChosenFile {
  file: File;
  /** The name sent to the server: the path inside a chosen or dropped folder, else the file name. */
  path: string;
}

type SubmitState = { kind: "idle" } | { kind: "uploading"; percent: number | null } | { kind: "error"; message: string };

/**
 * The bulk upload form: one CSV plus photos chosen as files, as a folder, or
 * dropped (folders included). It posts multipart/form-data with
 * XMLHttpRequest, whose upload events drive the progress bar, and opens the
 * import's progress page once the server responds with 202.
 */
export function UploadForm({ limits }: { limits: UploadFormLimits }) {
  const t = useTranslations("upload.form");
  const format = useFormatter();
  const router = useRouter();
  const folderInput = useRef<HTMLInputElement>(null);
  const [catalogue, setCatalogue] = useState<File | null>(null);
  const [images, setImages] = useState<ChosenFile[]>([]);
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<SubmitState>({ kind: "idle" });

  useEffect(() => {
    // React has no typed prop for these non-standard attributes.
    folderInput.current?.setAttribute("webkitdirectory", "");
    folderInput.current?.setAttribute("directory", "");
  }, []);

  const size = (bytes: number) => formatSize(format, bytes);
  const totalBytes = (catalogue?.size ?? 0) + images.reduce((sum, chosen) => sum + chosen.file.size, 0);

  function addImages(files: ChosenFile[]) {
    setImages((current) => {
      const seen = new Set(current.map((chosen) => chosen.path));
      return [...current, ...files.filter((chosen) => !seen.has(chosen.path))];
    });
    setState({ kind: "idle" });
  }

  async function handleDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = await filesFromDrop(event.dataTransfer);
    const csv = dropped.find((chosen) => /\.csv$/i.test(chosen.path) && !chosen.path.includes("/"));
    if (csv && !catalogue) setCatalogue(csv.file);
    addImages(dropped.filter((chosen) => chosen !== csv));
  }

  function validate(): string | null {
    if (!catalogue) return t("missingCatalogue");
    if (catalogue.size > limits.csvBytes) return t("catalogueTooLarge", { max: size(limits.csvBytes) });
    if (images.length + 1 > limits.files) return t("tooManyFiles", { count: images.length + 1, max: limits.files });
    if (totalBytes > limits.uploadBytes) return t("tooLarge", { size: size(totalBytes), max: size(limits.uploadBytes) });
    return null;
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = validate();
    if (problem || !catalogue) {
      setState({ kind: "error", message: problem ?? t("missingCatalogue") });
      return;
    }

    const form = new FormData();
    form.append("catalogue", catalogue, catalogue.name);
    for (const chosen of images) form.append("images", chosen.file, chosen.path);

    const request = new XMLHttpRequest();
    request.open("POST", "/api/merchant/uploads");
    request.responseType = "json";
    request.upload.onprogress = (progress) => {
      setState({ kind: "uploading", percent: progress.lengthComputable ? Math.floor((progress.loaded / progress.total) * 100) : null });
    };
    request.onload = () => {
      const body = request.response as UploadResponse | null;
      if (request.status === 202 && body && "progressPageUrl" in body) {
        router.push(body.progressPageUrl);
        return;
      }
      const error = body && "error" in body ? body.error : null;
      setState({ kind: "error", message: describeError(t, error, request.status) });
    };
    request.onerror = () => setState({ kind: "error", message: t("networkError") });
    setState({ kind: "uploading", percent: 0 });
    request.send(form);
  }

  const uploading = state.kind === "uploading";

  return (
    <form onSubmit={submit} className="flex flex-col gap-5 rounded-lg border border-neutral-200 p-4 sm:p-6" noValidate>
      <div className="flex flex-col gap-1">
        <label htmlFor="upload-catalogue" className="font-medium">
          {t("catalogueLabel")}
        </label>
        <input
          id="upload-catalogue"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="upload-catalogue-hint"
          disabled={uploading}
          onChange={(event) => {
            setCatalogue(event.target.files?.[0] ?? null);
            setState({ kind: "idle" });
          }}
          className="text-sm"
        />
        <p id="upload-catalogue-hint" className="text-sm text-neutral-600">
          {catalogue ? t("catalogueChosen", { name: catalogue.name, size: size(catalogue.size) }) : t("catalogueHint", { max: size(limits.csvBytes) })}
        </p>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="upload-images" className="font-medium">
          {t("imagesLabel")}
        </label>
        <input
          id="upload-images"
          type="file"
          multiple
          accept="image/*,.zip,application/zip"
          aria-describedby="upload-images-hint"
          disabled={uploading}
          onChange={(event) => addImages([...(event.target.files ?? [])].map((file) => ({ file, path: file.name })))}
          className="text-sm"
        />
        <p id="upload-images-hint" className="text-sm text-neutral-600">
          {t("imagesHint", { max: size(limits.imageBytes), total: size(limits.uploadBytes) })}
        </p>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor="upload-folder" className="font-medium">
          {t("folderLabel")}
        </label>
        <input
          id="upload-folder"
          ref={folderInput}
          type="file"
          multiple
          disabled={uploading}
          onChange={(event) =>
            addImages([...(event.target.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name })))
          }
          className="text-sm"
        />
      </div>

      <div
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => void handleDrop(event)}
        className={`rounded-lg border-2 border-dashed p-6 text-center text-sm ${dragging ? "border-teal-700 bg-teal-50" : "border-neutral-300"}`}
      >
        {t("dropZone")}
      </div>

      <div className="flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <span data-testid="chosen-files">{t("chosenFiles", { count: images.length, size: size(totalBytes) })}</span>
        {images.length > 0 && !uploading ? (
          <button type="button" onClick={() => setImages([])} className="text-teal-800 underline underline-offset-4">
            {t("clear")}
          </button>
        ) : null}
      </div>

      {state.kind === "uploading" ? (
        <div className="flex flex-col gap-1">
          <div
            role="progressbar"
            aria-label={t("uploadProgress")}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={state.percent ?? undefined}
            className="h-2 overflow-hidden rounded-full bg-neutral-200"
          >
            <div className="h-full bg-teal-700 transition-[width]" style={{ width: `${state.percent ?? 0}%` }} />
          </div>
          <p className="text-sm text-neutral-700">{t("uploading", { percent: state.percent ?? 0 })}</p>
        </div>
      ) : null}

      {state.kind === "error" ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {state.message}
        </p>
      ) : null}

      <div>
        <button
          type="submit"
          disabled={uploading}
          className="rounded-md bg-teal-800 px-4 py-2 font-medium text-white hover:bg-teal-900 disabled:opacity-60"
        >
          {uploading ? t("submitting") : t("submit")}
        </button>
      </div>
    </form>
  );
}

type UploadResponse = { progressPageUrl: string } | { error: { code: string; message: string; columns?: string[] } };

type Translate = ReturnType<typeof useTranslations>;

function describeError(t: Translate, error: { code: string; message: string; columns?: string[] } | null, status: number): string {
  if (!error) return t("failedStatus", { status });
  if (error.code === "missing_column" && error.columns) {
    return `${t("missingColumn", { columns: error.columns.join(", ") })} ${error.message}`;
  }
  if (error.code === "rate_limited" || error.code === "too_many_active_uploads") return `${t("tooManyUploads")} ${error.message}`;
  return t("failed", { message: error.message });
}

/** Formats a size in binary units (1 MiB = 1,048,576 bytes), as the server's limits and messages are written. */
function formatSize(format: ReturnType<typeof useFormatter>, bytes: number): string {
  const units = ["KiB", "MiB", "GiB"];
  if (bytes < 1024) return `${format.number(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${format.number(value, { maximumFractionDigits: 1 })} ${units[unit]}`;
}

/**
 * Lists the dropped files, walking dropped folders. The entries are taken
 * from the DataTransfer at once, because the browser empties it once the
 * drop event handler returns.
 */
async function filesFromDrop(dataTransfer: DataTransfer): Promise<ChosenFile[]> {
  const entries = [...dataTransfer.items]
    .map((item) => (item.kind === "file" ? item.webkitGetAsEntry() : null))
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return [...dataTransfer.files].map((file) => ({ file, path: file.name }));

  const files: ChosenFile[] = [];
  for (const entry of entries) await collectEntry(entry, "", files);
  return files;
}

async function collectEntry(entry: FileSystemEntry, prefix: string, files: ChosenFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    files.push({ file, path: `${prefix}${entry.name}` });
    return;
  }
  if (!entry.isDirectory) return;

  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in batches and an empty batch at the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await collectEntry(child, `${prefix}${entry.name}/`, files);
  }
}
