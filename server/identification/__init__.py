"""Precise identification (精准识别): applications, their steps, village meetings and notices."""
