import { datasetDir } from "../../lib/config";
import { importDataset } from "../../lib/catalogue/importer";
import { getDatabase } from "../../lib/db/client";
import { logger } from "../../lib/logger";

/**
 * Imports the dataset catalogue on first run, when the database has no
 * products yet. STYLELENS_IMPORT=skip starts the shop without importing
 * (an empty catalogue, filled later by uploads or `npm run import:catalogue`).
 */
export async function ensureCatalogue(): Promise<void> {
  if (process.env.STYLELENS_IMPORT === "skip") {
    logger.info("STYLELENS_IMPORT=skip: catalogue import skipped");
    return;
  }

  const database = getDatabase();
  const products = await database.prisma.product.count();
  if (products > 0) {
    logger.info({ products }, "catalogue already imported; run `npm run import:catalogue` to re-import");
    return;
  }

  const dir = datasetDir();
  logger.info({ dataset: dir }, "first run: importing the catalogue (a few minutes)");
  const summary = await importDataset({ database, datasetDir: dir });
  logger.info(summary, "catalogue imported");
}
