"""`python -m server` is the `bangfu` command."""

from server.cli import main

main()
