"""Command-line interface: one typer sub-command per job, each in its own module."""
