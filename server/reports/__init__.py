"""Households and villagers speak for themselves: the door card's public page, the township's page, their reports."""
