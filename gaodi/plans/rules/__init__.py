"""Versioned rule files of the plans feature (plausibility checks, indicator inference)."""
