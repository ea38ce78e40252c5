"""Retrospectives and OKRs over GraphQL: the estimate report, cycle reports, objectives
and the alignment view, read from the estimates, cycles and okr read models."""
