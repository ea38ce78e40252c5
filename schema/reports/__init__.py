"""Retrospectives and OKRs over GraphQL: the estimate report, cycle reports, objectives
and the alignment view, read from the roadmap and okr read models."""
