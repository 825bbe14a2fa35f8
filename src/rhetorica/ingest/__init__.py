"""Reading statements and evidence from files, stdin and feeds, with clear errors."""
