"""``python -m gaodi``: the command line."""

from gaodi.cli import main

main()
