"""Subscriptions and the rules deciding who must hear what, as pure Python; they arrive with later issues."""
