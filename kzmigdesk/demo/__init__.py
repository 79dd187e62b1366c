"""Synthetic demo data (`kzmigdesk demo`, the first start's offer, the benchmarks and the
tests): the generator in generator.py, its tables of names, places and texts in data/."""

from kzmigdesk.demo.generator import (
    DEMO_PASSWORD,
    EAEU,
    DemoCancelled,
    DemoSummary,
    database_is_empty,
    generate_demo_data,
    is_empty,
)

__all__ = ["DEMO_PASSWORD", "EAEU", "DemoCancelled", "DemoSummary", "database_is_empty",
           "generate_demo_data", "is_empty"]
