"""Smart manufacturing and digital transformation (智能制造赋能): self-assessment of the MIIT SME
digital level and GB/T 39116 maturity, level roll-ups that feed plan indicators, and registries
of solution providers, benchmark enterprises / demonstration factories and service platforms.

The scoring rules and level determination are the pure functions of
:mod:`gaodi.analytics.digital`, :mod:`gaodi.analytics.digital_maturity` and
:mod:`gaodi.analytics.digital_rollup`; this package stores, permits, imports and shows.
"""
