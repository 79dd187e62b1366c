"""Entities, enumerations and validation rules: pure Python and SQLAlchemy, no Qt."""
