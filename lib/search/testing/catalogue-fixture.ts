/**
 * A small, varied catalogue for search tests, generated from a seed so every
 * run and every provider gets the same rows. Tests compute expected results
 * from these plain objects by brute force and compare them with the engine.
 */
import type { AttributeSource, MultiAttributeGroup, ProductStatus } from "@/lib/catalogue/types";
import { bumpCatalogueRevision } from "@/lib/catalogue/revision";
import type { Database } from "@/lib/db/client";
import { syncSearchDocuments } from "@/lib/search/text-index";

export interface FixtureAttribute {
  group: MultiAttributeGroup;
  value: string;
  source: AttributeSource;
  score: number | null;
  verified: boolean;
}

export interface FixtureProduct {
  sku: string;
  title: string;
  brand: string | null;
  category: string | null;
  subCategory: string | null;
  masterCategory: string | null;
  gender: string | null;
  colour: string | null;
  season: string | null;
  usage: string | null;
  year: number | null;
  status: ProductStatus;
  createdAt: Date;
  thumbnailKey: string | null;
  attributes: FixtureAttribute[];
}

/** Category -> [subCategory, masterCategory]. */
const CATEGORIES: Record<string, [string, string]> = {
  Tshirts: ["Topwear", "Apparel"],
  Shirts: ["Topwear", "Apparel"],
  Jeans: ["Bottomwear", "Apparel"],
  Kurtas: ["Topwear", "Apparel"],
  Dresses: ["Dress", "Apparel"],
  "Casual Shoes": ["Shoes", "Footwear"],
  Watches: ["Watches", "Accessories"],
};
const BRANDS = ["Roadster", "Puma", "Fabindia", "Titan", "Wrangler", null];
const GENDERS = ["Men", "Women", "Unisex", "Boys", "Girls", null];
const COLOURS = ["Blue", "Navy Blue", "Black", "White", "Red", "Green", null];
const SEASONS = ["Summer", "Fall", "Winter", "Spring", null];
const USAGES = ["Casual", "Formal", "Sports", "Ethnic", null];
const YEARS = [2011, 2012, 2013, 2015, 2016, null];

const ATTRIBUTE_VALUES: Record<MultiAttributeGroup, string[]> = {
  texture: ["striped", "printed", "solid", "checked"],
  fabric: ["cotton", "denim", "linen"],
  shape: ["slim fit", "regular fit"],
  part: ["round neck", "collar", "v neck"],
  style: ["casual", "party"],
};
const SOURCES: AttributeSource[] = ["merchant", "title", "model"];

/** Creation times repeat every CREATED_AT_CYCLE products, so sorts by newest meet ties. */
const CREATED_AT_CYCLE = 20;
const CREATED_AT_BASE = Date.UTC(2026, 0, 1);

/** mulberry32: a small seeded generator, so the fixture is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns `count` products with varied columns, attributes, statuses and creation times. */
export function buildCatalogueFixture(count = 60, seed = 7): FixtureProduct[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const products: FixtureProduct[] = [];

  for (let i = 0; i < count; i++) {
    const category = pick(Object.keys(CATEGORIES));
    const [subCategory, masterCategory] = CATEGORIES[category]!;
    const brand = pick(BRANDS);
    const gender = pick(GENDERS);
    const colour = pick(COLOURS);

    const attributes: FixtureAttribute[] = [];
    for (const group of Object.keys(ATTRIBUTE_VALUES) as MultiAttributeGroup[]) {
      const valueCount = Math.floor(random() * 3);
      for (let v = 0; v < valueCount; v++) {
        const value = pick(ATTRIBUTE_VALUES[group]);
        const source = pick(SOURCES);
        if (attributes.some((row) => row.group === group && row.value === value && row.source === source)) continue;
        attributes.push({
          group,
          value,
          source,
          score: source === "model" ? Math.round(random() * 100) / 100 : null,
          verified: random() < 0.15,
        });
      }
    }

    // Title words come from the title-sourced attributes, as the title miner would have found them.
    const titleWords = attributes.filter((row) => row.source === "title").map((row) => capitalise(row.value));
    const title = [brand, gender, ...titleWords, colour, category].filter(Boolean).join(" ");
    const statusRoll = random();
    let status: ProductStatus = "published";
    if (statusRoll < 0.1) status = "draft";
    else if (statusRoll < 0.17) status = "deleted";

    products.push({
      sku: `SKU-${String(i + 1).padStart(3, "0")}`,
      title,
      brand,
      category,
      subCategory,
      masterCategory,
      gender,
      colour,
      season: pick(SEASONS),
      usage: pick(USAGES),
      year: pick(YEARS),
      status,
      createdAt: new Date(CREATED_AT_BASE + (i % CREATED_AT_CYCLE) * 60_000),
      thumbnailKey: random() < 0.85 ? `thumbs/${i + 1}.webp` : null,
      attributes,
    });
  }
  return products;
}

/** Returns a published product with empty optional fields, overridden by `fields`. */
export function fixtureProduct(fields: Partial<FixtureProduct> & Pick<FixtureProduct, "sku" | "title">): FixtureProduct {
  return {
    brand: null,
    category: null,
    subCategory: null,
    masterCategory: null,
    gender: null,
    colour: null,
    season: null,
    usage: null,
    year: null,
    status: "published",
    createdAt: new Date(CREATED_AT_BASE),
    thumbnailKey: null,
    attributes: [],
    ...fields,
  };
}

function capitalise(phrase: string): string {
  return phrase.replace(/\b\p{L}/gu, (letter) => letter.toUpperCase());
}

/**
 * Inserts the products (in order, so ids are 1..n on a fresh database),
 * writes their search documents and bumps the catalogue revision.
 * Returns SKU -> product id.
 */
export async function insertCatalogueFixture(
  database: Database,
  products: readonly FixtureProduct[],
): Promise<Map<string, number>> {
  const { prisma } = database;
  const merchant = await prisma.merchant.upsert({
    where: { slug: "fixture" },
    create: { slug: "fixture", name: "Fixture" },
    update: {},
  });

  const attributeIds = new Map<string, number>();
  const attributeId = async (group: MultiAttributeGroup, value: string): Promise<number> => {
    const key = `${group}:${value}`;
    const known = attributeIds.get(key);
    if (known !== undefined) return known;
    const row = await prisma.attribute.upsert({
      where: { groupId_value: { groupId: await groupId(group), value } },
      create: { groupId: await groupId(group), value },
      update: {},
    });
    attributeIds.set(key, row.id);
    return row.id;
  };
  const groupIds = new Map<string, number>();
  const groupId = async (key: MultiAttributeGroup): Promise<number> => {
    const known = groupIds.get(key);
    if (known !== undefined) return known;
    const row = await prisma.attributeGroup.upsert({ where: { key }, create: { key, kind: "multi" }, update: {} });
    groupIds.set(key, row.id);
    return row.id;
  };

  const ids = new Map<string, number>();
  for (const product of products) {
    const { attributes, thumbnailKey, ...columns } = product;
    const created = await prisma.product.create({
      data: {
        ...columns,
        merchantId: merchant.id,
        deletedAt: product.status === "deleted" ? product.createdAt : null,
      },
    });
    ids.set(product.sku, created.id);

    if (thumbnailKey) {
      // A second image at a later position checks that hits show the first one.
      for (const position of [1, 0]) {
        await prisma.productImage.create({
          data: {
            productId: created.id,
            position,
            contentHash: `${product.sku}-${position}`,
            byteSize: 1000,
            width: 224,
            height: 224,
            format: "jpeg",
            storageKey: `originals/${product.sku}-${position}.jpg`,
            thumbnailKey: position === 0 ? thumbnailKey : `thumbs/${product.sku}-later.webp`,
          },
        });
      }
    }

    for (const attribute of attributes) {
      await prisma.productAttribute.create({
        data: {
          productId: created.id,
          attributeId: await attributeId(attribute.group, attribute.value),
          source: attribute.source,
          score: attribute.score,
          verified: attribute.verified,
        },
      });
    }
  }

  await syncSearchDocuments(prisma, database.provider, [...ids.values()]);
  await bumpCatalogueRevision(prisma);
  return ids;
}
