"""Benchmarks: conditions x items -> records -> report."""
