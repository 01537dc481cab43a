"""Text with a limit: over-long text is refused with the limit stated (the phone shows a counter before that)."""

from __future__ import annotations

from typing import Any

from tests.helpers import log_in, post_form


async def test_an_over_long_village_name_is_refused_with_its_limit(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="limits_admin")
    await log_in(client, "limits_admin")
    url = f"/places/villages/{township['village']}"
    response = await post_form(client, url, url, {"name": "村" * 51, "population": "100"})
    assert response.status_code == 422
    assert "最多 50 个字" in response.text


async def test_an_over_long_household_number_is_refused_with_its_limit(
    client: Any, make_user: Any, township: dict[str, int]
) -> None:
    await make_user("admin", username="limits_admin2")
    await log_in(client, "limits_admin2")
    page = await client.get("/households/new")
    assert 'maxlength="20"' in page.text, "the limit travels with the field (the phone's counter reads it)"
    data = {"code": "H" * 21, "village": str(township["village"]), "head_name": "张三"}
    response = await post_form(client, "/households/new", "/households/new", data)
    assert response.status_code == 422
    assert "最多 20 个字" in response.text
