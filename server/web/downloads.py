"""File downloads: an .xlsx as an attachment, named in Chinese where it helps, never kept in a shared cache."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from litestar import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(content: bytes, filename: str) -> Response[bytes]:
    """The workbook as an attachment; a non-ASCII name goes in filename* (RFC 6266) with an ASCII fallback."""
    fallback = filename if filename.isascii() else "bangfu.xlsx"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


def dated_name(title: str, day: date | int) -> str:
    """A download's file name as people keep them, one a week in a folder: its title and its day (or year)."""
    return f"{title}-{day}.xlsx"
