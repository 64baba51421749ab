"""Rule files of the smart-manufacturing feature (package data)."""
