"""YAML loading in one place: the safe loader, in C where PyYAML was built with libyaml.

Why: the bundled lexicons, knowledge base and precedents are read on every start, and the
pure-Python loader spends about half a second on them; libyaml's ``CSafeLoader`` reads the
same files several times faster with the same safety (plain data only, no object tags).
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str | bytes) -> Any:
    """``yaml.safe_load``, faster; raises ``yaml.YAMLError`` the same way."""
    return yaml.load(text, Loader=SafeLoader)
