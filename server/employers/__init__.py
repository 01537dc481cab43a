"""Employers (用工单位) that post jobs for poor-household workers."""
