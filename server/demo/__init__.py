"""Synthetic demo data: a township (or a whole county) of villages, households, members, cadres and employers."""
