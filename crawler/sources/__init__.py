"""Candidate sources: one module each."""
