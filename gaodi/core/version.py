"""Gaodi's version, in the ground layer so the toolkit can read it without importing ``gaodi``
(whose ``open()`` reaches every feature)."""

VERSION = "0.1.0"
