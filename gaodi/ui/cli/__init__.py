"""The command-line toolkit: the principal and database of a command, output, tables."""
