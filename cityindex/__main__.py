"""`python -m cityindex` runs the command line."""

from cityindex.cli import main

main()
