"""Claims: which sentences make check-worthy factual assertions."""
