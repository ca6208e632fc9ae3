"use client";

import Image from "next/image";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";

export interface FacetOptions {
  facet: string;
  label: string;
  values: { value: string; label: string }[];
}

interface Hit {
  productId: number;
  sku: string;
  title: string;
  score: number;
  imageUrl: string | null;
}

/** Crop box in the photo's own pixels. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Longest side of the photo sent to the server; the model sees 224 x 224, so more only costs upload time. */
const UPLOAD_MAX_SIDE = 1024;
/** Smallest crop side in photo pixels; a shorter drag counts as a click and clears the box. */
const MIN_CROP_SIDE = 16;

/**
 * Photo search: pick, drop, paste or take a photo, optionally drag a crop
 * box on it, choose filters and search. The (cropped) photo is redrawn on a
 * canvas and uploaded as JPEG to POST /api/search/photo.
 */
export function PhotoSearch({ facets }: { facets: FacetOptions[] }) {
  const t = useTranslations("vision.photoSearch");
  const tVision = useTranslations("vision");
  const [photo, setPhoto] = useState<HTMLImageElement | null>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [tookMs, setTookMs] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dragStart = useRef<{ x: number; y: number } | null>(null);

  const loadFile = useCallback(
    (file: File | null | undefined) => {
      if (!file) return;
      if (!file.type.startsWith("image/")) {
        setError(t("notAnImage"));
        return;
      }
      const url = URL.createObjectURL(file);
      const image = new window.Image();
      image.onload = () => {
        setPhoto(image);
        setBox(null);
        setHits(null);
        setError(null);
      };
      image.onerror = () => setError(t("notAnImage"));
      image.src = url;
    },
    [t],
  );

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find((item) => item.type.startsWith("image/"));
      if (file) loadFile(file);
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  }, [loadFile]);

  // Draws the photo and the crop box whenever either changes.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !photo) return;
    canvas.width = photo.naturalWidth;
    canvas.height = photo.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(photo, 0, 0);
    if (box) {
      context.fillStyle = "rgba(0, 0, 0, 0.45)";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(photo, box.x, box.y, box.width, box.height, box.x, box.y, box.width, box.height);
      context.strokeStyle = "#0f766e";
      context.lineWidth = Math.max(2, canvas.width / 200);
      context.strokeRect(box.x, box.y, box.width, box.height);
    }
  }, [photo, box]);

  const toPhotoPoint = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const scale = event.currentTarget.width / rect.width;
    return {
      x: Math.min(event.currentTarget.width, Math.max(0, (event.clientX - rect.left) * scale)),
      y: Math.min(event.currentTarget.height, Math.max(0, (event.clientY - rect.top) * scale)),
    };
  };

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    dragStart.current = toPhotoPoint(event);
  };
  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!dragStart.current) return;
    const point = toPhotoPoint(event);
    const start = dragStart.current;
    setBox({ x: Math.min(start.x, point.x), y: Math.min(start.y, point.y), width: Math.abs(point.x - start.x), height: Math.abs(point.y - start.y) });
  };
  const onPointerUp = () => {
    dragStart.current = null;
    setBox((current) => (current && current.width >= MIN_CROP_SIDE && current.height >= MIN_CROP_SIDE ? current : null));
  };

  const search = async () => {
    if (!photo) return;
    setBusy(true);
    setError(null);
    try {
      const blob = await cropToBlob(photo, box);
      const form = new FormData();
      form.set("image", blob, "photo.jpg");
      for (const [facet, value] of Object.entries(filters)) if (value) form.set(facet, value);
      const response = await fetch("/api/search/photo", { method: "POST", body: form });
      const body = (await response.json()) as { hits?: Hit[]; tookMs?: number; error?: { code?: string; message: string } };
      if (body.error?.code === "unsupported_image") {
        setError(t("unreadable"));
        setHits(null);
        return;
      }
      if (!response.ok || !body.hits) {
        setError(t("failed", { message: body.error?.message ?? `HTTP ${response.status}` }));
        setHits(null);
        return;
      }
      setHits(body.hits);
      setTookMs(body.tookMs ?? null);
    } catch (caught) {
      setError(t("failed", { message: caught instanceof Error ? caught.message : String(caught) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mt-6 grid gap-8 lg:grid-cols-[22rem_1fr]">
      <div>
        <div
          className="rounded-lg border-2 border-dashed border-neutral-300 p-4 text-center"
          onDragOver={(event) => event.preventDefault()}
          onDrop={(event) => {
            event.preventDefault();
            loadFile(event.dataTransfer.files[0]);
          }}
          data-testid="drop-zone"
        >
          <div className="flex flex-wrap justify-center gap-2">
            <label className="cursor-pointer rounded-full bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700">
              {t("chooseFile")}
              <input type="file" accept="image/*" className="sr-only" data-testid="photo-input" onChange={(event) => loadFile(event.target.files?.[0])} />
            </label>
            <label className="cursor-pointer rounded-full border border-neutral-300 px-4 py-2 text-sm font-medium hover:border-neutral-900 sm:hidden">
              {t("takePhoto")}
              <input type="file" accept="image/*" capture="environment" className="sr-only" onChange={(event) => loadFile(event.target.files?.[0])} />
            </label>
          </div>
          <p className="mt-2 text-sm text-neutral-600">{t("dropHint")}</p>
        </div>

        {photo ? (
          <div className="mt-4">
            <p className="text-sm font-medium">{t("crop")}</p>
            <p className="text-xs text-neutral-600">{t("cropHint")}</p>
            <canvas
              ref={canvasRef}
              aria-label={t("preview")}
              className="mt-2 w-full touch-none rounded-lg"
              data-testid="crop-canvas"
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
            />
            {box ? (
              <button type="button" className="mt-1 text-sm underline" onClick={() => setBox(null)}>
                {t("clearCrop")}
              </button>
            ) : null}
          </div>
        ) : null}

        {facets.length > 0 ? (
          <fieldset className="mt-4 space-y-2">
            <legend className="text-sm font-medium">{t("filters")}</legend>
            {facets.map((options) => (
              <label key={options.facet} className="flex items-center justify-between gap-2 text-sm">
                <span>{options.label}</span>
                <select
                  name={options.facet}
                  className="w-40 rounded border border-neutral-300 px-2 py-1"
                  value={filters[options.facet] ?? ""}
                  onChange={(event) => setFilters({ ...filters, [options.facet]: event.target.value })}
                >
                  <option value="">{t("anyValue")}</option>
                  {options.values.map((value) => (
                    <option key={value.value} value={value.value}>
                      {value.label}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </fieldset>
        ) : null}

        <button
          type="button"
          disabled={!photo || busy}
          onClick={search}
          className="mt-4 w-full rounded-full bg-teal-700 px-4 py-2 font-medium text-white hover:bg-teal-800 disabled:opacity-50"
        >
          {busy ? t("searching") : t("search")}
        </button>
        {error ? (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>

      <div aria-live="polite">
        {hits ? (
          <>
            <p className="text-sm text-neutral-600">
              {t("results", { count: hits.length })} {tookMs !== null ? t("tookMs", { ms: tookMs }) : null}
            </p>
            <ul className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-3 xl:grid-cols-4" data-testid="photo-results">
              {hits.map((hit) => (
                <li key={hit.productId} data-testid="photo-hit" data-sku={hit.sku}>
                  <Link href={`/products/${hit.productId}`} className="group block">
                    <div className="relative aspect-[3/4] overflow-hidden rounded-lg bg-neutral-100">
                      {hit.imageUrl ? <Image src={hit.imageUrl} alt={hit.title} fill unoptimized sizes="16rem" className="object-cover" /> : null}
                    </div>
                    <p className="mt-2 line-clamp-2 text-sm group-hover:underline">{hit.title}</p>
                    <p className="text-xs text-neutral-600 tabular-nums">{tVision("similarity", { score: hit.score })}</p>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </div>
  );
}

/** Redraws the photo (or the crop box) at most UPLOAD_MAX_SIDE pixels on its longer side and encodes it as JPEG. */
function cropToBlob(photo: HTMLImageElement, box: Box | null): Promise<Blob> {
  const source = box ?? { x: 0, y: 0, width: photo.naturalWidth, height: photo.naturalHeight };
  const scale = Math.min(1, UPLOAD_MAX_SIDE / Math.max(source.width, source.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(source.width * scale));
  canvas.height = Math.max(1, Math.round(source.height * scale));
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(photo, source.x, source.y, source.width, source.height, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("The browser could not encode the photo"))), "image/jpeg", 0.92));
}
