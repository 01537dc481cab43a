"""Cross-cutting web pieces: authentication, guards, templating, errors, security headers."""
