"""uvtui: a terminal UI and CLI for Dockerized Python web apps whose dependencies uv manages."""
