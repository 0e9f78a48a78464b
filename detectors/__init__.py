"""Detectors: one module each, pure functions of a Page and a Reference."""
