"""Exports: the roadmap as the familiar table, and the estimate and cycle reports.

Formatting is pure (``tables``, ``roadmap``, ``reports``: data in, text out); the data
comes from the read models (``read``), the same rows the GraphQL API serves.
"""
