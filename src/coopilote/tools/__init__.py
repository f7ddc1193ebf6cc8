"""Cooperative tools: one Django app per tool, each plugged in through its ToolManifest."""
