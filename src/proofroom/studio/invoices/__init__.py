"""Invoices, by reason to change: records, statuses, who may edit, numbering, desk services,
reads, web orders from the gallery and prepaid orders. Import from the module you need."""
