"""The headless core: everything uvtui knows and does, with no user interface (never textual)."""
