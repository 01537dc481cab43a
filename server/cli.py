"""The `bangfu` command: serve, migrate, demo, createuser."""

from __future__ import annotations

import asyncio
import functools
import getpass
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import click

from server.database import (
    DatabaseUnavailable,
    check_reachable,
    close_pool,
    database_server,
    open_app_pool,
    open_pool,
    use_database,
)
from server.settings import get_settings


def friendly_errors(command: Callable[..., None]) -> Callable[..., None]:
    """One clear line and a non-zero exit instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except DatabaseUnavailable as error:
            click.echo(f"错误: {error}", err=True)
            sys.exit(3)
        except KeyboardInterrupt:
            sys.exit(130)

    return wrapper


def run_with_database(work: Callable[[], Coroutine[Any, Any, Any]], as_owner: bool = False) -> Any:
    """Run `work` with the database (embedded or DATABASE_URL) started and a pool open: as the app role, or as
    the owner for the commands that keep the database itself (migrate, backup, restore, purge-audit)."""
    settings = get_settings()
    with database_server(settings) as url:
        use_database(url)

        async def main() -> Any:
            await check_reachable(url)  # before Piccolo, which would print its own warning first
            if as_owner:
                await open_pool(max_size=4)
            else:
                await open_app_pool(settings, url, max_size=4)
            try:
                return await work()
            finally:
                await close_pool()

        return asyncio.run(main())


@click.group()
def main() -> None:
    """Bangfu (帮扶): pairing, visits, jobs and monitoring for township poverty-alleviation teams."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default BANGFU_HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default BANGFU_PORT or 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default BANGFU_WORKERS).")
@friendly_errors
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web app with Granian."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = get_settings()
    with database_server(settings) as url:
        use_database(url)  # the workers inherit DATABASE_URL
        asyncio.run(check_reachable(url))
        address, listen_port = host or settings.host, port or settings.port
        click.echo(f"Bangfu 已启动: http://{address}:{listen_port}  (Ctrl+C 停止)")
        Granian(
            "server.app:create_app",
            factory=True,
            address=address,
            port=listen_port,
            interface=Interfaces.ASGI,
            workers=workers or settings.workers,
            log_access=False,
        ).serve()


@main.command()
@click.option(
    "--backwards", "target", default=None, help="Undo instead: '1' (the last one), 'all', or down to a migration ID."
)
@click.option("--app", "app_name", default="all", show_default=True, help="Piccolo app (area) to migrate.")
@friendly_errors
def migrate(target: str | None, app_name: str) -> None:
    """Apply the database migrations (or undo some with --backwards), then give the app role its privileges."""
    from server.operations.migrations import MigrationFailed
    from server.operations.migrations import migrate as apply_migrations

    async def work() -> Any:
        try:
            return await apply_migrations(os.environ["DATABASE_URL"], get_settings(), target, app_name)
        except MigrationFailed as error:
            raise click.ClickException(str(error)) from error

    setup = run_with_database(work, as_owner=True)
    click.echo("数据库迁移完成 (migrations applied)")
    if setup.ready:
        click.echo(f"应用角色 {setup.role} {'已创建并' if setup.created else '已'}授权 (app role ready)")
    else:
        click.echo(f"警告: {setup.advice}", err=True)


@main.command()
@click.option("--scale", type=click.Choice(["township", "county"]), default="township", show_default=True)
@click.option("--if-empty", is_flag=True, help="Load only when the database has no township yet.")
@friendly_errors
def demo(scale: str, if_empty: bool) -> None:
    """Load the synthetic demo data (safe to run twice)."""
    from server.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES, load_demo

    summary = run_with_database(lambda: load_demo(scale=scale, only_if_empty=if_empty))
    click.echo(summary)
    click.echo("演示账号 (demo logins): " + ", ".join(DEMO_USERNAMES) + f"  密码 password: {DEMO_PASSWORD}")


@main.command("sweep-media")
@click.option("--older-than-hours", type=click.IntRange(min=1), default=24, show_default=True,
              help="Leave files written more recently (a visit may still be saving).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@friendly_errors
def sweep_media(older_than_hours: int, dry_run: bool) -> None:
    """Delete photo files no visit refers to (refused or unfinished uploads) and leftover temp files."""
    from server.media.storage import default_storage
    from server.media.sweep import sweep
    from server.visits.photos import referenced_keys

    referenced = run_with_database(referenced_keys)
    result = sweep(default_storage().root, referenced, older_than_hours * 3600, dry_run=dry_run)
    done = "可删除 (dry run: nothing deleted)" if dry_run else "已删除 (deleted)"
    click.echo(f"无引用的照片文件 {result.files} 个, {result.bytes / 1_000_000:.1f} MB {done}")


@main.command()
@click.option("--username", required=True)
@click.option("--display-name", required=True, help="The person's name, shown on screen.")
@click.option("--role", type=click.Choice(["county", "admin", "leader", "cadre", "employer"]), required=True)
@click.option("--county", "county_code", default=None, help="County code (required for the county office).")
@click.option("--township", "township_code", default=None, help="Township code (required for township staff).")
@click.option("--phone", default=None)
@click.option("--password", default=None, help="Asked for when omitted.")
@friendly_errors
def createuser(
    username: str,
    display_name: str,
    role: str,
    county_code: str | None,
    township_code: str | None,
    phone: str | None,
    password: str | None,
) -> None:
    """Create an account; the password must meet the policy (8+ characters, 3 classes, not common)."""
    from server.accounts.passwords import password_problem
    from server.accounts.roles import Role
    from server.i18n import gettext

    if password is None:
        password = getpass.getpass("密码 Password: ")
    if problem := password_problem(password, username):
        raise click.UsageError(f"密码不符合要求: {gettext(problem)}")
    if role == "county" and not county_code:
        raise click.UsageError("--county is required for the county office")
    if role not in ("county", "employer") and not township_code:
        raise click.UsageError("--township is required for this role")

    async def work() -> int:
        from server.accounts.queries import create_user, username_taken
        from server.places.tables import County, Township

        if await username_taken(username, phone):
            raise click.UsageError(f"用户名或手机号已存在: {username}")
        township = await Township.select(Township.id).where(Township.code == township_code).first()
        if township_code and township is None:
            raise click.UsageError(f"找不到乡镇代码: {township_code}")
        county = await County.select(County.id).where(County.code == county_code).first()
        if county_code and county is None:
            raise click.UsageError(f"找不到县代码: {county_code}")
        return await create_user(
            username=username,
            password=password,
            display_name=display_name,
            role=Role(role),
            county_id=county["id"] if county else None,
            township_id=township["id"] if township else None,
            phone=phone,
        )

    user_id = run_with_database(work)
    click.echo(f"已创建用户 {username} (id {user_id})")


@main.command("purge-audit")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@friendly_errors
def purge_audit(dry_run: bool) -> None:
    """Delete audit entries older than the retention period (183 days); runs as the database owner."""
    from server.audit.retention import RETENTION_DAYS, purge_expired

    count = run_with_database(lambda: purge_expired(dry_run), as_owner=True)
    done = "可删除 (dry run: nothing deleted)" if dry_run else "已删除 (deleted)"
    click.echo(f"超过 {RETENTION_DAYS} 天的审计记录 {count} 条{done}")
