"""Database access: engine, sessions and the migrations runner."""
