"""`python -m core` is the `sohoa` command."""

from core.cli import main

main()
