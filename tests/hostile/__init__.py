"""Hostile and broken input: the corpus, fuzzing strategies and a timing script."""
