"""Plan-text extraction: numbered structure, Chinese numerals, targets (see docs/plan-extraction.md)."""
