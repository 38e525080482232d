/**
 * Text Datanets from the SDK (docs/protocol.md §10.1, §12): the metadata document of a text
 * Datanet, whose metadataHash `createDatanet` takes; a contribution's documents file, rowCount
 * and contentRoot, which `registerContribution` takes once the file is in a store
 * (store/contribute.ts does both steps).
 */
export { TEXT_SCHEMA, textDatanetMetadata, textMetadata } from "../protocol/text/text-datanet.ts";
export { type TextContribution, textContribution } from "../protocol/text/text-contribution.ts";
export { decodeDocuments, encodeDocuments } from "../protocol/text/documents.ts";
