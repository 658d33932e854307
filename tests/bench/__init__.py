"""Benchmarks (`make bench`): the figures of docs/product.md §4, measured, never asserted."""
