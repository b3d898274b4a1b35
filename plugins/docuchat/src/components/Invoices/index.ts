export { InvoicesCard } from './InvoicesCard';
export { InvoicePage, InvoiceDetails } from './InvoicePage';
