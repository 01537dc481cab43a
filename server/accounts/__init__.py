"""Accounts, roles, passwords, login and sessions."""
