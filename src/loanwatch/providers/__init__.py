"""Providers' vocabularies (ids, tags, pitch transforms): what ingest and metrics both read.

A module here imports only ``loanwatch.domain`` (and the provider's library lazily), so that
``metrics`` can read a provider's ids without importing ``ingest``, which imports ``metrics``.
"""
