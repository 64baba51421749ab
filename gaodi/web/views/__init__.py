"""The web package's own pages: log-in and account, the overview, administration, health."""
