"""The coach's web UI. Callbacks only turn widget values into service calls and back."""
