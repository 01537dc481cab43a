"""Supervision (督导): verification calls, spot checks with findings and rectification, photos used twice."""
