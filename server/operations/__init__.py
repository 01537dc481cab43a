"""Running Bangfu safely: database roles and privileges, backups and restores, keeping the audit trail's retention."""
