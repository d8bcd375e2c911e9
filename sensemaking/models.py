"""Sense-making workshops, themes, quotes and findings (see the sense-making issue)."""
