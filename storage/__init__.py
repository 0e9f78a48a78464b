"""Persistence: SQLAlchemy models, repository, evidence store."""
