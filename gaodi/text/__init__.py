"""Plan-text extraction: numbered structure, numerals, targets (docs/plan-extraction.md)."""
