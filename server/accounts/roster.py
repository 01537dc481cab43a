"""The cadre roster (干部花名册) as .xlsx: a template to fill in, checked row by row with the account form's own rules,
then every account created in one transaction, or none. One temporary password, typed on the page (never in the
file that goes round by e-mail), serves them all; each person must change it at the first login."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from openpyxl import Workbook

from server.accounts import admin
from server.accounts.admin_forms import parse_account
from server.accounts.passwords import hash_password
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser
from server.accounts.tables import User
from server.audit.queries import record
from server.households.pinyin import full_pinyin
from server.i18n import N_, gettext
from server.piccolo_conf import DB
from server.spreadsheets import append_row, open_upload, read_rows, workbook_bytes

SHEET = "干部花名册"
MAX_ROWS = 2_000  # a township has a few hundred cadres
MAX_BYTES = 2 * 1024 * 1024
# (header, field of the account form)
COLUMNS: list[tuple[str, str]] = [
    ("姓名", "display_name"),
    ("手机号", "phone"),
    ("用户名", "username"),
    ("角色", "role"),
    ("职务", "title"),
    ("工作单位", "unit"),
    ("所在村", "village"),
]
HEADERS = {name: header for header, name in COLUMNS}
ROLES_ON_A_ROSTER = (Role.CADRE, Role.LEADER, Role.INSPECTOR)
# The roster is a Chinese document: its roles are written as the Chinese labels (or the codes).
ROLE_LABELS_ZH = {Role.CADRE: "一般党员干部", Role.LEADER: "领导干部", Role.INSPECTOR: "督导检查组"}
EXAMPLE = ["王芳", "13905391234", "", "一般党员干部", "第一书记", "县农业农村局", "双河村"]


def template() -> bytes:
    """The empty roster with its headers, an example row to overwrite, and the roles and villages to choose from."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    append_row(sheet, [header for header, _ in COLUMNS], bold=True)
    append_row(sheet, EXAMPLE)
    for column, width in zip("ABCDEFG", (10, 14, 14, 14, 16, 18, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    for line in (
        ["姓名、手机号、角色必填；用户名不填时用姓名拼音（重名加数字），手机号也可登录。"],
        ["角色: " + "、".join(ROLE_LABELS_ZH[role] for role in ROLES_ON_A_ROSTER)],
        ["所在村: 驻村的第一书记、工作队员和村干部填写村名，其他人留空。"],
        ["临时密码在导入页面上填写，所有人首次登录时都必须修改。"],
    ):
        append_row(notes, line)
    return workbook_bytes(workbook)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str  # translated


@dataclass
class RosterPlan:
    """The accounts the file would create, and every problem found (nothing is created while there is one)."""

    accounts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_roster(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The data rows; raises SheetRejected for a file of the wrong shape."""
    workbook = open_upload(content, (SHEET,), MAX_ROWS, MAX_BYTES)
    return read_rows(workbook[SHEET], COLUMNS)


def _role_code(text: str) -> str:
    by_label = {label: role.value for role, label in ROLE_LABELS_ZH.items()}
    return by_label.get(text, text)


async def check_roster(user: CurrentUser, rows: list[tuple[int, dict[str, str]]], password: str) -> RosterPlan:
    """Every row through the account form's rules, duplicates inside the file and against existing accounts."""
    scope = admin.scope_of(user)
    villages = {v["id"]: v["name"] for v in await admin.villages_for(scope)}
    village_ids = {name: str(id_) for id_, name in villages.items()}
    plan, seen, password_refused = RosterPlan(), dict[tuple[str, str], int](), None
    taken = set(await _usernames_like([full_pinyin(data["display_name"]) for _, data in rows if not data["username"]]))
    for number, data in rows:
        username = data["username"] or _free_username(data["display_name"], taken)
        typed = {**data, "username": username, "role": _role_code(data["role"]), "password": password}
        typed["village"] = village_ids.get(data["village"], "?" if data["village"] else "")
        form = parse_account(typed, ROLES_ON_A_ROSTER, new=True, villages=villages, townships={})
        if not data["phone"]:
            form.add("phone", N_("Enter an 11-digit mobile number."))
        for name, key in (("username", username), ("phone", data["phone"])):
            if key and (earlier := seen.get((name, key))):
                form.add(name, gettext(N_("The same as row %(row)s."), row=earlier))
            seen.setdefault((name, key), number)
        for name, message in form.errors.items():
            if name == "password":  # one password for every row: said once, against the first row it fails
                password_refused = password_refused or Problem(number, "临时密码", gettext(message))
                continue
            column = HEADERS.get(name, name)
            reason = gettext(N_("No open village of this name: %(name)s"), name=data["village"]) if (
                name == "village") else gettext(message)  # fmt: skip
            plan.problems.append(Problem(number, column, reason))
        if not form.errors:
            plan.accounts.append({"row": number, **form.values})
    if password_refused:
        plan.problems.insert(0, password_refused)
    await _taken_already(plan)
    return plan


async def _usernames_like(bases: list[str]) -> list[str]:
    """Existing usernames that start with one of `bases` (the pinyin a blank username is made from)."""
    if not bases:
        return []
    rows = await User.raw("SELECT username FROM app_user WHERE username LIKE ANY({})", [f"{b}%" for b in bases])
    return [row["username"] for row in rows]


def _free_username(name: str, taken: set[str]) -> str:
    """The name's pinyin (王芳 → wangfang), numbered when taken (wangfang2): never the phone, which the list masks."""
    base = full_pinyin(name) or "user"
    base = base if len(base) >= 3 else base + "001"
    username, n = base, 1
    while username in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username)
    return username


async def _taken_already(plan: RosterPlan) -> None:
    usernames = [a["username"] for a in plan.accounts] or ["-"]
    phones = [a["phone"] for a in plan.accounts if a["phone"]] or ["-"]
    taken = await User.select(User.username, User.phone).where(
        User.username.is_in(usernames) | User.phone.is_in(phones)
    )
    names = {row["username"] for row in taken}
    numbers = {row["phone"] for row in taken}
    for account in plan.accounts:
        if account["username"] in names:
            plan.problems.append(Problem(account["row"], HEADERS["username"], gettext(admin.USERNAME_TAKEN)))
        if account["phone"] in numbers:
            plan.problems.append(Problem(account["row"], HEADERS["phone"], gettext(admin.PHONE_TAKEN)))
    plan.problems.sort(key=lambda problem: problem.row)


class RosterConflict(Exception):
    """An account of the file was created by someone else meanwhile: nothing of the file was created."""


async def import_roster(user: CurrentUser, ip: str, plan: RosterPlan, password: str) -> int:
    """Every account of the plan, or none (raises RosterConflict); all with the one temporary password."""
    password_hash = await asyncio.to_thread(hash_password, password)
    scope = admin.scope_of(user)
    rows = [
        User(
            username=a["username"],
            display_name=a["display_name"],
            role=a["role"],
            phone=a["phone"],
            title=a["title"],
            unit=a["unit"],
            township=scope.township_id,
            village=a["village"],
            password_hash=password_hash,
            must_change_password=True,
        )
        for a in plan.accounts
    ]
    async with DB.transaction() as transaction:
        savepoint = await transaction.savepoint()
        try:
            created = await User.insert(*rows).returning(User.id) if rows else []
        except asyncpg.UniqueViolationError as error:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise RosterConflict() from error
        usernames = [a["username"] for a in plan.accounts]
        await record("roster_imported", actor=user, target_type="township", target_id=scope.township_id or "",
                     ip=ip, detail={"accounts": len(created), "usernames": usernames})  # fmt: skip
    return len(created)
