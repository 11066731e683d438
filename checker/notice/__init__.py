"""The notice: its data, one table of zh/en texts, and its renderers."""
