/**
 * Checks of the DocuChat Helm chart (charts/docuchat), run as this package's
 * tests; the helpers they share are in src/__testUtils__. See README.md.
 */
export {};
