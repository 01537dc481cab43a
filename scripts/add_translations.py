"""Merge Chinese translations into the zh_CN catalog: `python scripts/add_translations.py new.json`.

The JSON maps English msgids to Chinese. The script first re-extracts the strings of the whole tree
(`make messages`), then fills the given ones. It holds a lock, so several people can run it at once.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "server/locale/zh_CN/LC_MESSAGES/messages.po"


def main(json_path: str) -> int:
    translations: dict[str, str] = json.loads(Path(json_path).read_text(encoding="utf-8"))
    with (ROOT / "server/locale/.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "messages"], cwd=ROOT, check=True, capture_output=True)
        with CATALOG.open("rb") as file:
            catalog = read_po(file, locale="zh_CN")
        missing = []
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in translations:
                message.string = translations[key] if isinstance(message.id, str) else (translations[key],)
                message.flags.discard("fuzzy")
            elif not message.string:
                missing.append(key)
        with CATALOG.open("wb") as file:
            write_po(file, catalog, width=120, sort_output=True, include_previous=False)
    for key in missing:
        print("untranslated:", key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
