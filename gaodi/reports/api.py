"""The Excel exports' router (``/export/xlsx/...``), mounted after every feature's views so
that each feature's :func:`gaodi.reports.exports.register_export` calls are in (see
:mod:`gaodi.reports.exports`)."""

from __future__ import annotations

from gaodi.reports import export_tables, exports

export_tables.register_builtin()
exports.install_template_global()

router = exports.router
