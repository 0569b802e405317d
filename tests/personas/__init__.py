"""Tests of the AI customer: dialogue state, coherence, clip sources."""
