"""``python -m vete`` runs the command line."""

from vete.cli import main

main()
