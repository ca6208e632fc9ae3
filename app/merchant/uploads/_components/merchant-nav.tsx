import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** Links between the merchant's pages; `current` marks the page being shown. */
export async function MerchantNav({ current }: { current: "uploads" | "products" }) {
  const t = await getTranslations("upload.nav");
  const links = [
    { href: "/merchant", key: "dashboard", label: t("dashboard") },
    { href: "/merchant/uploads", key: "uploads", label: t("uploads") },
    { href: "/merchant/products", key: "products", label: t("review") },
  ];

  return (
    <nav aria-label={t("label")}>
      <ul className="flex flex-wrap gap-4 text-sm">
        {links.map((link) => (
          <li key={link.href}>
            <Link
              href={link.href}
              aria-current={link.key === current ? "page" : undefined}
              className="text-teal-800 underline-offset-4 hover:underline aria-[current=page]:font-semibold aria-[current=page]:text-neutral-900"
            >
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
