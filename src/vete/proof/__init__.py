"""Proof tools: ``vete race`` (concurrent workloads), ``vete bench`` and ``vete db monitor``."""
