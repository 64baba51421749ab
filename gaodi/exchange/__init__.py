"""Excel/CSV exchange: templates, import (validate every row, then write all), export.

The public functions are in :mod:`gaodi.exchange.service`; the columns in
:mod:`gaodi.exchange.entities`; docs/exchange.md is the user guide and data dictionary.
"""
