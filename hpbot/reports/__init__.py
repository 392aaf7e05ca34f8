"""Organizer reports: workbooks, CSV files and charts built from a competition's results."""
