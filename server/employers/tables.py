"""The employer record; its accounts are users with the employer role."""

from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.table import Table

from server.places.tables import Township


class Employer(Table):
    """企业 / 用工单位, approved by a township admin before it can post."""

    id: Serial  # added by Piccolo; annotated for type checkers

    township = ForeignKey(Township, null=False, index=True)
    name = Varchar(length=100)
    credit_code = Varchar(length=18, default="")  # 统一社会信用代码
    industry = Varchar(length=50, default="")
    contact_name = Varchar(length=30, default="")
    phone = Varchar(length=20, default="")
    address = Varchar(length=200, default="")
    approved = Boolean(default=False)
    created_at = Timestamptz()
