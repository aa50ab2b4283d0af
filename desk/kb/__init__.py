"""Knowledge-base search: tokenising, BM25 ranking and synonyms."""
