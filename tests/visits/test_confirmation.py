"""The household confirms a visit: the head's finger signature kept as a small PNG, or a call confirmed by phone;
both show in the 帮扶手册's 户主签字 column. Optional, and a signature that is not an image writes nothing."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import httpx
from PIL import Image, ImageDraw

from server.media.references import referenced_keys
from server.visits.tables import Visit, VisitConfirmation
from tests.helpers import log_in
from tests.visits.conftest import PHOTO, send_visit


def drawn_signature(width: int = 1170, height: int = 468) -> str:
    """What a phone's canvas gives: a transparent-free PNG with a few strokes, as a data URL."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
    pen = ImageDraw.Draw(image)
    pen.line([(60, 300), (200, 120), (340, 330), (520, 140), (700, 320)], fill=(17, 17, 17, 255), width=9)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def visit_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_the_heads_signature_is_kept_as_a_small_grey_png_and_signs_the_manuals_measures(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    fields = {"note": "送去慰问金", "measure_type": "medical", "measure_amount": "300", "signature": drawn_signature()}
    visit = visit_id_of(await send_visit(as_wang, household, fields))

    [row] = await VisitConfirmation.select().where(VisitConfirmation.visit == visit)
    assert row["way"] == "signature"
    picture = await as_wang.get(f"/media/visits/{visit}/signature")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/png"
    stored = Image.open(BytesIO(picture.content))
    assert (stored.format, stored.mode, stored.size) == ("PNG", "L", (800, 320)), "made small and grey"
    assert row["storage_key"] in await referenced_keys(), "the media sweep keeps it"

    page = (await as_wang.get(f"/visits/{visit}")).text
    assert f'src="/media/visits/{visit}/signature"' in page
    manual = (await as_wang.get(f"/households/{household}/manual")).text
    sign_cell = manual.split("data-manual-measures", 1)[1].split("</table>", 1)[0]
    assert f'src="/media/visits/{visit}/signature"' in sign_cell, "the 户主签字 column of the measure"

    await log_in(as_wang, "li")
    assert (await as_wang.get(f"/media/visits/{visit}/signature")).status_code == 404, "not li's household"


async def test_a_call_is_confirmed_by_phone_with_who_and_when(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    response = await send_visit(as_wang, household, {"kind": "phone", "note": "电话询问医疗报销到账情况",
                                                     "call_confirmed_by": "户主张三"})  # fmt: skip
    visit = visit_id_of(response)
    [row] = await VisitConfirmation.select().where(VisitConfirmation.visit == visit)
    assert (row["way"], row["confirmed_by"], row["storage_key"]) == ("call", "户主张三", "")
    visited = await Visit.select(Visit.visited_at).where(Visit.id == visit).first()
    assert visited is not None
    assert row["confirmed_at"] == visited["visited_at"], "the time of the call when none is given"
    manual = (await as_wang.get(f"/households/{household}/manual")).text
    assert "电话确认：户主张三" in manual
    assert (await as_wang.get(f"/media/visits/{visit}/signature")).status_code == 404


async def test_a_signature_that_is_not_an_image_or_a_phone_confirmation_of_a_home_visit_writes_nothing(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    text = await send_visit(as_wang, household, {"note": "入户", "signature": "data:image/png;base64,aGVsbG8="})
    assert text.status_code == 422
    assert "签名不是图片" in text.text
    jpeg = "data:image/png;base64," + base64.b64encode(PHOTO).decode()
    assert (await send_visit(as_wang, household, {"note": "入户", "signature": jpeg})).status_code == 422
    not_png = await send_visit(as_wang, household, {"note": "入户", "signature": "data:text/html;base64,PGI+"})
    assert not_png.status_code == 422
    home = await send_visit(as_wang, household, {"note": "入户", "call_confirmed_by": "户主张三"})
    assert home.status_code == 422
    assert "只有电话联系" in home.text
    assert await Visit.count() == 0
    assert await VisitConfirmation.count() == 0


async def test_a_visit_sent_twice_with_its_signature_is_confirmed_once(
    as_wang: httpx.AsyncClient, world: dict[str, int]
) -> None:
    household = world["monitored"]
    fields: dict[str, Any] = {"note": "入户", "signature": drawn_signature(390, 156)}
    first = await send_visit(as_wang, household, fields, client_id="7d0c1e9e-1b7a-4a43-9f1e-0a3d7e1c2b55")
    again = await send_visit(as_wang, household, fields, client_id="7d0c1e9e-1b7a-4a43-9f1e-0a3d7e1c2b55")
    assert visit_id_of(first) == visit_id_of(again)
    assert await VisitConfirmation.count() == 1
