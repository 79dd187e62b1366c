"""Widgets and helpers shared by the pages and dialogs: date fields, dialog buttons and styles,
tables and paged models, the list page, the unsaved-changes guard, background tasks and the
person picker."""
