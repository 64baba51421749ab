"""``python -m gaodi``: the command line."""

from gaodi.cli import main

if __name__ == "__main__":
    main()
