"""Rule files → Matter: safe YAML with positions, schemas, includes, localities, the workspace."""
