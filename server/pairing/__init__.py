"""Cadre–household pairing (结对帮扶): responsible cadres, quotas, coverage, door cards."""
