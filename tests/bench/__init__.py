"""Benchmarks (`make bench`): the figures of PRODUCT.md §4, measured, never asserted in tests."""
