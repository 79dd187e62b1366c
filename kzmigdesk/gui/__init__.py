"""The desktop interface (PySide6): thin widgets that call the services."""
