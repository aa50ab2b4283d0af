"""Tests of the knowledge base: seeds, tokenizer, search and its API."""
