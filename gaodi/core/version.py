"""Gaodi's version, in the ground layer so the toolkit can read it without importing ``gaodi``
(whose ``open()`` reaches every feature)."""

#: PEP 440: the release being made (CHANGELOG.md's newest entry, 0.2.0, is unreleased), so a
#: bureau running this code, and a backup it writes, are not taken for 0.1.0.
VERSION = "0.2.0.dev0"
