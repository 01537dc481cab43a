"""The append-only audit trail of logins, changes, reveals and exports."""
