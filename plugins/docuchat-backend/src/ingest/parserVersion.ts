/**
 * The version of what parsing and chunking make of a document. Raise it
 * whenever a change alters chunk text or blocks (not for a fix that only
 * makes unreadable documents readable): at start-up every stored document
 * parsed by an older version is parsed, chunked and embedded again, once,
 * as maintenance (ledger rows not billable).
 *
 * 1: paragraphs kept their source line breaks; lists and tables one block.
 * 2: text as a reader sees it (soft breaks as spaces), one block per list
 *    item and table row, chunks list their blocks.
 */
export const PARSER_VERSION = 2;
