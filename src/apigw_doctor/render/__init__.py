"""Renderers: pure functions from a Diagnosis to text or JSON."""
