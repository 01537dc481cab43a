"""Trainings, job posts, workers' wishes, referrals and placements (就业帮扶)."""
