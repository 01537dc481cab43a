"""User accounts and their server-side sessions."""

from piccolo.columns import JSONB, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.employers.tables import Employer
from server.places.tables import County, Region, Township, Village


class User(Table, tablename="app_user"):
    """A person who logs in. `role` is one of server.accounts.roles.Role."""

    id: Serial  # added by Piccolo; annotated for type checkers

    username = Varchar(length=40, unique=True)
    phone = Varchar(length=20, null=True, default=None, unique=True)
    display_name = Varchar(length=40)
    title = Varchar(length=60, default="")  # 职务, e.g. 第一书记, 乡镇干部 (server.accounts.roles.TITLES)
    unit = Varchar(length=60, default="")  # 工作单位, e.g. 县农业农村局
    role = Varchar(length=12, index=True)
    county = ForeignKey(County, null=True, default=None)  # the county office's county; others have a township
    # the city's or the province's office: that region (read only, figures)
    region = ForeignKey(Region, null=True, default=None, on_delete=OnDelete.restrict, on_update=OnUpdate.restrict)
    township = ForeignKey(Township, null=True, default=None, index=True)
    village = ForeignKey(Village, null=True, default=None)
    employer = ForeignKey(Employer, null=True, default=None)
    password_hash = Varchar(length=200, secret=True)
    is_active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    must_change_password = Boolean(default=False)  # set by an admin's reset: a temporary password
    locale = Varchar(length=8, default="zh_CN")
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class WebSession(Table, tablename="web_session"):
    """A logged-in browser. Only the SHA-256 of the cookie token is stored."""

    token_hash = Varchar(length=64, primary_key=True)
    user = ForeignKey(User, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    data = JSONB(default={})
    user_agent = Varchar(length=200, default="")


class AppSecret(Table, tablename="app_secret"):
    """A key every host and worker must share: made once, when BANGFU_SECRET_KEY is not set (server.database)."""

    name = Varchar(length=40, primary_key=True)
    value = Varchar(length=200, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Deployment(Table):
    """What this database is, once said: 'real' after `bangfu setup`, 'demo' after `bangfu demo` (one row)."""

    kind = Varchar(length=8, primary_key=True)
    since = Timestamptz(default=TimestamptzNow())
