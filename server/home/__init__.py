"""Each role's home screen, health check, and the PWA's root-level files."""
