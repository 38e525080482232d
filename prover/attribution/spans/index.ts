/** Span attribution of text outputs (`spanMatch`, docs/attribution.md §11). */
export { buildContributionIndex, type ContributionIndex } from "./contribution-index.ts";
export { SpanIndexCache } from "./index-cache.ts";
export { decodeIndexFile, encodeIndexFile, readIndexFile, writeIndexFile } from "./index-file.ts";
export { type IndexedContribution, modelSpanIndex, type ModelSpanIndex } from "./model-index.ts";
export {
  type CreditedSpan,
  SPAN_PARAMS,
  SPAN_SCALE,
  spanAttribution,
  type SpanAttributionResult,
  type SpanParams,
  type SpanWitness,
} from "./span-rule.ts";
