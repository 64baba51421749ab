"""Security and reliability: hostile input, scoped writes, inert exports, operations."""
