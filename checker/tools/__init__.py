"""Authoring tools: problem codes, lint, fmt, examples as tests."""
