"""Monitoring (``rhetorica watch``): sources, watchlists of escalation indicators, the
exactly-once watcher, alert sinks and timelines. See docs/monitor.md."""
