"""Reference code lists shipped with Gaodi (GB/T 4754-2017, GB/T 2260), with their sources.

Read them through :mod:`gaodi.core.reference`; see ``SOURCES.md`` in this folder for where each
file comes from, how it was checked and what could not be verified.
"""
