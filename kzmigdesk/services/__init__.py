"""Use cases: every rule and every permission check lives here. Never imports Qt."""
