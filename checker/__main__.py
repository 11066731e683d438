"""`python -m checker` runs the command-line interface."""

from checker.shells.cli import main

main()
