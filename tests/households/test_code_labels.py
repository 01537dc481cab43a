"""A code list's labels looked up (`labels()[code]`, as the register's rows read them) are what `label(code)` gives."""

from __future__ import annotations

from server import codes
from server.i18n import current_locale


def test_labels_are_the_label_of_every_code_in_each_language() -> None:
    for locale in ("zh_CN", "en"):
        token = current_locale.set(locale)
        try:
            for code_list in (codes.POVERTY_CAUSE, codes.POVERTY_STATUS, codes.MONITORING_TYPE):
                labels = code_list.labels()
                for code in [*code_list, "not_a_code", "", None]:
                    assert labels[code] == code_list.label(code), (locale, code)  # type: ignore[index]
        finally:
            current_locale.reset(token)
    token = current_locale.set("zh_CN")
    try:
        assert codes.POVERTY_STATUS.labels()["not_out"] != "Not yet out of poverty"
    finally:
        current_locale.reset(token)
