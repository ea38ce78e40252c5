"""Benchmarks (``make bench``): each figure measured side by side with its baseline."""
