"""Services: the only door into the core for the UI, the CLI and the HTTP API."""
