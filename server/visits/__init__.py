"""Visits (走访) with measures and photos, and follow-up schedules (回访)."""
