import Image from "next/image";
import Link from "next/link";

export interface ProductCardProps {
  id: number;
  title: string;
  brand: string | null;
  /** Already localised where a translation exists. */
  category: string | null;
  thumbnailUrl: string | null;
  noImageLabel: string;
}

/**
 * Renders a product tile. The title link is stretched over the whole card, so the
 * card is one click target and one tab stop.
 */
export function ProductCard({ id, title, brand, category, thumbnailUrl, noImageLabel }: ProductCardProps) {
  return (
    <article className="group relative flex flex-col rounded-lg has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-teal-700 has-[:focus-visible]:ring-offset-2">
      <div className="relative aspect-[3/4] overflow-hidden rounded-lg bg-neutral-100">
        {thumbnailUrl ? (
          // Thumbnails are already resized by the importer, so Next's image
          // optimiser would only add work.
          <Image
            src={thumbnailUrl}
            alt={title}
            fill
            unoptimized
            sizes="(min-width: 1024px) 16rem, 50vw"
            className="object-contain mix-blend-multiply transition-transform duration-200 group-hover:scale-105"
          />
        ) : (
          <div className="flex h-full items-center justify-center text-sm text-neutral-500">{noImageLabel}</div>
        )}
      </div>
      <div className="mt-2 space-y-0.5 text-sm">
        {brand ? <p className="font-medium text-neutral-900">{brand}</p> : null}
        <h3 className="line-clamp-2 text-neutral-700">
          <Link href={`/products/${id}`} className="after:absolute after:inset-0 focus-visible:outline-none">
            {title}
          </Link>
        </h3>
        {category ? <p className="text-neutral-500">{category}</p> : null}
      </div>
    </article>
  );
}
