"use client";

import Image from "next/image";
import { useState } from "react";

import type { ProductImageView } from "@/lib/catalogue/queries";

interface ProductGalleryProps {
  images: ProductImageView[];
  title: string;
  /** Alt text of each image, in order. */
  altTexts: string[];
  /** Label of each thumbnail button, in order. */
  thumbnailLabels: string[];
  noImageLabel: string;
}

/** Renders the main image and, when there are several images, a row of thumbnail buttons that choose it. */
export function ProductGallery({ images, title, altTexts, thumbnailLabels, noImageLabel }: ProductGalleryProps) {
  const [selected, setSelected] = useState(0);
  const main = images[selected] ?? images[0];

  if (!main) {
    return (
      <div className="flex aspect-[3/4] items-center justify-center rounded-lg bg-neutral-100 text-neutral-500">
        {noImageLabel}
      </div>
    );
  }

  return (
    <div>
      <div className="relative flex aspect-[3/4] items-center justify-center overflow-hidden rounded-lg bg-neutral-100">
        {/* The image store serves its own renditions, so Next's optimiser is bypassed. */}
        <Image
          src={main.url}
          alt={altTexts[selected] ?? title}
          width={main.width}
          height={main.height}
          unoptimized
          loading="eager"
          fetchPriority="high"
          className="h-full w-full object-contain mix-blend-multiply"
        />
      </div>
      {images.length > 1 ? (
        <ul className="mt-3 flex flex-wrap gap-2">
          {images.map((image, index) => (
            <li key={image.url}>
              <button
                type="button"
                aria-pressed={index === selected}
                aria-label={thumbnailLabels[index]}
                onClick={() => setSelected(index)}
                className={`relative block size-16 overflow-hidden rounded-md border-2 bg-neutral-100 ${
                  index === selected ? "border-neutral-900" : "border-transparent hover:border-neutral-400"
                }`}
              >
                <Image src={image.thumbnailUrl} alt="" fill unoptimized sizes="4rem" className="object-contain mix-blend-multiply" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
