"""Measurements of the suite itself: speed (pytest-benchmark), false alarms, power, kill table."""
