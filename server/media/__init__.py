"""Media: photo intake (checked, re-encoded without metadata), content-addressed storage, scope-checked serving."""
