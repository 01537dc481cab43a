"""The six roles and what each may do at the coarsest level."""

from enum import StrEnum

from server.codes import CodeList, TrailFields
from server.i18n import N_


class Role(StrEnum):
    PROVINCE = "province"  # 省扶贫办 (乡村振兴局): figures by city, county and township, read only
    CITY = "city"  # 市扶贫办: figures by county and township, read only
    COUNTY = "county"  # 县扶贫办: the county's figures by township, no household data
    ADMIN = "admin"  # 扶贫办 / 镇扶贫工作站
    LEADER = "leader"  # 领导干部
    CADRE = "cadre"  # 一般党员干部
    EMPLOYER = "employer"  # 企业 / 用工单位
    INSPECTOR = "inspector"  # 督导检查组: reads its township, writes only its own checks

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PROVINCE: N_("Province poverty office"),
    Role.CITY: N_("City poverty office"),
    Role.COUNTY: N_("County poverty office"),
    Role.ADMIN: N_("Township poverty office"),
    Role.LEADER: N_("Leader"),
    Role.CADRE: N_("Party member cadre"),
    Role.EMPLOYER: N_("Employer"),
    Role.INSPECTOR: N_("Inspection group"),
}

# Why a login failed, when the trail says (server.accounts.login).
LOGIN_FAILURE = CodeList(
    ("unknown_user", N_("No account has this username")),
)
# Its events in the audit trail (server.accounts: accounts, roster, login; server.operations.deployment) as the
# audit page reads them: an account's fields as its form names them.
TRAIL = TrailFields(
    actions=("user_created", "user_changed", "roster_imported", "login_failed", "deployment_set_up"),
    labels={
        "username": N_("Username"),
        "display_name": N_("Name"),
        "role": N_("Role"),
        "phone": N_("Mobile phone"),
        "title": N_("Position held"),
        "unit": N_("Work unit"),
        "township": N_("Township"),
        "village": N_("Village"),
        "accounts": N_("Accounts"),
        "usernames": N_("Username"),
        "reason": N_("Reason"),
        "county": N_("County"),
        "account": N_("Account"),
    },
    codes={"role": CodeList(*((role.value, label) for role, label in ROLE_LABELS.items())), "reason": LOGIN_FAILURE},
    refs={"township": "township", "village": "village"},
)

# Roles that belong to a township and see its households.
TOWNSHIP_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.CADRE})

# A read-only role reads what the role it names reads (GET pages and their scope), and writes nothing of it:
# the inspection group reads its township as a leader does; its own checks have their own guards.
READS_AS = {Role.INSPECTOR: Role.LEADER}
