export { openVectorIndex, vectorIndexPath, type OpenVectorIndexOptions } from "./open";
export { INDEX_FORMAT_VERSION, type ExpectedIndex, type IndexMismatch, type IndexMismatchKind } from "./persistence";
export { countProductVectors, indexedProductIds, storedProductVectors } from "./stored-vectors";
export { findIndexChanges, rebuildVectorIndex, syncVectorIndex, type IndexChanges, type IndexSyncResult, type SyncVectorIndexOptions } from "./sync";
export {
  createVectorIndex,
  DEFAULT_EF_SEARCH,
  DEFAULT_FILTERED_EF_SEARCH,
  DEFAULT_MAX_DELETED_FRACTION,
  HNSW_EF_CONSTRUCTION,
  HNSW_M,
  loadVectorIndex,
  rebuildFromEmbeddings,
  type FilterStrategy,
  type LabelledVector,
  type LoadResult,
  type SavedIndex,
  type SearchHit,
  type SearchOptions,
  type VectorIndex,
  type VectorIndexOptions,
  type VectorSource,
} from "./vector-index";
export { decodeVector, encodeVector, MAX_LABEL } from "./vectors";
