-- Full-text index of products for keyword search (FTS5, ranked with bm25).
-- rowid is Product.id. lib/search/text-index.ts keeps it in step with
-- Product and ProductAttribute; Prisma's schema cannot describe virtual
-- tables, so `prisma migrate dev` reports this table as drift and must not drop it.
-- The porter tokenizer stems English words ("shirts" finds "shirt"), and the
-- prefix indexes make 2- and 3-letter prefix queries fast.
CREATE VIRTUAL TABLE "ProductSearch" USING fts5(
    title,
    brand,
    category,
    attributes,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3'
);
