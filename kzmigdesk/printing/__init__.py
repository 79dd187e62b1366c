"""Printed documents: ReportLab PDF forms and the monthly summary, with an embedded font."""
