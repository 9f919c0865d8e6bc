"""`python -m muster` runs the command line."""
from .cli import main

main(prog_name="muster")
