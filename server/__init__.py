"""Bangfu (帮扶): a work platform for township poverty-alleviation teams."""

import os

# Piccolo finds its engine through this module path; set it before any table is used.
os.environ.setdefault("PICCOLO_CONF", "server.piccolo_conf")
