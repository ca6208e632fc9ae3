-- Full-text index of products for keyword search: one weighted tsvector per
-- product (title A, brand B, category B, attributes C) under a GIN index.
-- lib/search/text-index.ts keeps it in step with Product and ProductAttribute.
-- The 'english' configuration stems words like the SQLite porter tokenizer.
CREATE TABLE "ProductSearch" (
    "productId" INTEGER NOT NULL,
    "document" tsvector NOT NULL,

    CONSTRAINT "ProductSearch_pkey" PRIMARY KEY ("productId"),
    CONSTRAINT "ProductSearch_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "ProductSearch_document_idx" ON "ProductSearch" USING GIN ("document");
