"""Benchmarks of the assistant; `make bench` and `make bench-retrieval` run them."""
