/** What other domains use of the warehouse: the label documents (cabling prints cable labels with them). */
export { renderPdf, renderZpl, type TLabel, type TLabelFormat, type TStock } from "./labels";
export { labelFile, renderLabels } from "./printing";
