"""kzmigdesk: case management for the migration offices of Kazakhstan."""

__version__ = "0.1.0"
APP_NAME = "kzmigdesk"
