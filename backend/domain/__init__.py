"""Aggregates, their events and their errors: one module per aggregate."""
