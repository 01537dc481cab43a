"""The `bangfu` command: serve, migrate, demo, createuser, sweep-media, storage migrate, backup, restore."""

from __future__ import annotations

import asyncio
import functools
import getpass
import os
import shutil
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import click

from server.accounts.roles import Role
from server.database import (
    DatabaseUnavailable,
    check_reachable,
    close_pool,
    database_server,
    open_app_pool,
    open_pool,
    use_database,
)
from server.media.storage import StorageUnavailable
from server.settings import Settings, get_settings


def friendly_errors(command: Callable[..., None]) -> Callable[..., None]:
    """One clear line and a non-zero exit instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except DatabaseUnavailable as error:
            click.echo(f"错误: {error}", err=True)
            sys.exit(3)
        except StorageUnavailable as error:
            click.echo(f"错误: 照片存储无法访问 (photo store unavailable): {error}", err=True)
            sys.exit(4)
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
    from granian.constants import Interfaces, Loops

    from server.observability.logs import granian_log_config

    settings = get_settings()
    with database_server(settings) as url:
        use_database(url)  # the workers inherit DATABASE_URL
        asyncio.run(check_reachable(url))
        address, listen_port = host or settings.host, port or settings.port
        processes = workers or settings.workers
        if processes > 1:
            share_metrics_between_workers(settings, listen_port)
        click.echo(f"Bangfu 已启动: http://{address}:{listen_port}  (Ctrl+C 停止)")
        Granian(
            "server.app:create_served_app",
            factory=True,
            address=address,
            port=listen_port,
            interface=Interfaces.ASGI,
            loop=Loops.uvloop,  # less CPU per request and per SQL statement than asyncio's loop
            workers=processes,
            # A worker that dies (killed, out of memory, a crash inside an image library) is replaced after a second;
            # the others go on serving meanwhile. Granian exits only on a crash loop (a new worker dying within 5.5 s).
            respawn_failed_workers=True,
            respawn_interval=1.0,
            log_access=False,  # the app writes one JSON line per request, with its request id
            log_dictconfig=granian_log_config(settings.log_format),
        ).serve()


def share_metrics_between_workers(settings: Settings, port: int) -> None:
    """Prometheus' multiprocess mode: each worker writes its samples under one fresh directory, /metrics sums them."""
    from server.observability import MULTIPROCESS_DIR

    directory = settings.var_dir / f"metrics-{port}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROCESS_DIR] = str(directory)


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
@click.option("--scale", type=click.Choice(["township", "county", "province"]), default="township", show_default=True)
@click.option("--if-empty", is_flag=True, help="Load only when the database has no township yet.")
@friendly_errors
def demo(scale: str, if_empty: bool) -> None:
    """Load the synthetic demo data (safe to run twice)."""
    from server.demo.loader import DEMO_PASSWORD, DEMO_USERNAMES, load_demo
    from server.operations.deployment import NotSetUp

    try:
        # The county and province scales load as the owner: their bulk load drops the visit tables' secondary
        # indexes and builds them again after (server/demo/history.py), which only the owner may.
        summary = run_with_database(
            lambda: load_demo(scale=scale, only_if_empty=if_empty), as_owner=scale != "township"
        )
    except NotSetUp as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(summary)
    click.echo("演示账号 (demo logins): " + ", ".join(DEMO_USERNAMES) + f"  密码 password: {DEMO_PASSWORD}")


@main.command("sweep-media")
@click.option("--older-than-hours", type=click.IntRange(min=1), default=24, show_default=True,
              help="Leave files written more recently (a visit may still be saving).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@friendly_errors
def sweep_media(older_than_hours: int, dry_run: bool) -> None:
    """Delete photos no visit refers to (refused or unfinished uploads) and leftover temp files, in either store."""
    from server.media.references import referenced_keys
    from server.media.storage import default_storage
    from server.media.sweep import sweep

    referenced = run_with_database(referenced_keys)
    result = sweep(default_storage(), referenced, older_than_hours * 3600, dry_run=dry_run)
    done = "可删除 (dry run: nothing deleted)" if dry_run else "已删除 (deleted)"
    click.echo(f"无引用的照片文件 {result.files} 个, {result.bytes / 1_000_000:.1f} MB {done}")


@main.group()
def storage() -> None:
    """The photo store: move the photos on the local disk into an S3-compatible object store."""


@storage.command("migrate")
@click.option("--from", "source_dir", type=click.Path(file_okay=False), default=None,
              help="The local photo directory (default $BANGFU_VAR_DIR/media).")  # fmt: skip
@click.option("--jobs", type=click.IntRange(1, 64), default=8, show_default=True, help="Copies in flight.")
@click.option("--dry-run", is_flag=True, help="Only count what would be copied.")
@click.option("--verify", is_flag=True, help="Afterwards read every object back and check it against its key.")
@friendly_errors
def storage_migrate(source_dir: str | None, jobs: int, dry_run: bool, verify: bool) -> None:
    """Copy local photos to the bucket named by BANGFU_S3_* (resumable: run it again to finish), verified."""
    from pathlib import Path

    from server.media.migrate import Migration, migrate, verify_all
    from server.media.objects import S3Storage
    from server.media.storage import LocalStorage, local_media
    from server.settings import S3Settings

    settings = get_settings()
    try:
        target = S3Storage(settings.s3 or S3Settings.from_env())
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    source = LocalStorage(Path(source_dir)) if source_dir else local_media(settings)
    if not dry_run and target.ensure_bucket():
        click.echo(f"已创建存储桶 (bucket created): {target.bucket}")

    def progress(folder: str, report: Migration) -> None:
        if folder.endswith("f/"):
            click.echo(f"{folder} 已复制 {report.copied}, 已存在 {report.present}", err=True)

    report = migrate(source, target, jobs=jobs, dry_run=dry_run, progress=progress)
    click.echo(
        f"{'可复制' if dry_run else '已复制并校验'} (copied) {report.copied} 个 ({report.bytes / 1_000_000:.1f} MB), "
        f"对象存储中已有 (already there) {report.present} 个  {source} → {target}"
    )
    for key in report.damaged[:20]:
        click.echo(f"本地文件已损坏, 未复制 (damaged locally, not copied): {key}", err=True)
    for key in report.failed[:20]:
        click.echo(f"复制未确认, 请再运行一次 (not confirmed, run again): {key}", err=True)
    bad = verify_all(target) if verify and not dry_run else []
    for key in bad[:20]:
        click.echo(f"对象内容与名称不符 (object does not match its key): {key}", err=True)
    if not report.complete or bad:
        sys.exit(1)
    if not dry_run:
        click.echo(switch_over_hint(settings))


def switch_over_hint(settings: Settings) -> str:
    if settings.s3 is None:
        return (
            "下一步 (next): 在每台应用主机上设置 BANGFU_STORAGE=s3 并重启, 然后再运行一次本命令, 复制期间新存的照片。"
            " Set BANGFU_STORAGE=s3 on every app host, restart, then run this command once more."
        )
    return (
        "全部照片已在对象存储中并校验通过; 本地目录在下一次备份之后可以移走。"
        " Every local photo is in the bucket and verified; the local directory may go after the next backup."
    )


@main.command()
@click.option("--username", required=True)
@click.option("--display-name", required=True, help="The person's name, shown on screen.")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--region", "region_code", default=None, help="City or province code (for the city or province office).")
@click.option("--county", "county_code", default=None, help="County code (required for the county office).")
@click.option("--township", "township_code", default=None, help="Township code (required for township staff).")
@click.option("--phone", default=None)
@click.option("--password", default=None, help="Asked for when omitted.")
@friendly_errors
def createuser(
    username: str,
    display_name: str,
    role: str,
    region_code: str | None,
    county_code: str | None,
    township_code: str | None,
    phone: str | None,
    password: str | None,
) -> None:
    """Create an account; the password must meet the policy (8+ characters, 3 classes, not common)."""
    from server.accounts.passwords import password_problem
    from server.i18n import gettext

    if password is None:
        password = getpass.getpass("密码 Password: ")
    if problem := password_problem(password, username):
        raise click.UsageError(f"密码不符合要求: {gettext(problem)}")
    if role in ("city", "province") and not region_code:
        raise click.UsageError(f"--region is required for the {role} office")
    if role == "county" and not county_code:
        raise click.UsageError("--county is required for the county office")
    if role not in ("city", "province", "county", "employer") and not township_code:
        raise click.UsageError("--township is required for this role")
    # Codes are 12 digits (统计用区划代码); the short forms people know (371326, 371326105) are read as such.
    region_code, county_code, township_code = (
        code.strip().ljust(12, "0") if code and code.strip().isdigit() else code
        for code in (region_code, county_code, township_code)
    )

    async def work() -> int:
        from server.accounts.queries import create_user, username_taken
        from server.places.tables import County, Region, Township

        if await username_taken(username, phone):
            raise click.UsageError(f"用户名或手机号已存在: {username}")
        township = await Township.select(Township.id).where(Township.code == township_code).first()
        if township_code and township is None:
            raise click.UsageError(f"找不到乡镇代码: {township_code}")
        county = await County.select(County.id).where(County.code == county_code).first()
        if county_code and county is None:
            raise click.UsageError(f"找不到县代码: {county_code}")
        region = await Region.select(Region.id).where((Region.code == region_code) & (Region.level == role)).first()
        if region_code and region is None:
            raise click.UsageError(f"找不到{'市' if role == 'city' else '省'}代码: {region_code}")
        return await create_user(
            username=username,
            password=password,
            display_name=display_name,
            role=Role(role),
            region_id=region["id"] if region else None,
            county_id=county["id"] if county else None,
            township_id=township["id"] if township else None,
            phone=phone,
        )

    user_id = run_with_database(work)
    click.echo(f"已创建用户 {username} (id {user_id})")


@main.command()
@friendly_errors
def maintain() -> None:
    """Nightly upkeep as the database owner: partitions for the months ahead, months of expired sessions dropped,
    old form tokens forgotten."""
    from server.operations.migrations import maintain as upkeep

    made, sessions, forms = run_with_database(lambda: upkeep(os.environ["DATABASE_URL"]), as_owner=True)
    click.echo(f"新建分区 {len(made)} 个 (partitions made): {', '.join(made) or '无 (none needed)'}")
    click.echo(f"清除过期会话 {sessions} 个 (expired sessions dropped with their month)")
    click.echo(f"清除一个月前的表单令牌 {forms} 个 (tokens of forms sent more than a month ago)")


@main.command()
@click.option("--province-code", prompt="省 统计用区划代码 (province code, 12 digits)", help="e.g. 370000000000")
@click.option("--province", "province_name", prompt="省 名称 (province name)", help="e.g. 山东省")
@click.option("--city-code", prompt="市 统计用区划代码 (city code, 12 digits)", help="e.g. 371300000000")
@click.option("--city", "city_name", prompt="市 名称 (city name)", help="e.g. 临沂市")
@click.option("--county-code", prompt="县 统计用区划代码 (county code, 12 digits)", help="e.g. 371326000000")
@click.option("--county", "county_name", prompt="县 名称 (county name)", help="e.g. 平邑县")
@click.option("--username", prompt="县扶贫办账号 用户名 (the county office's username)")
@click.option("--display-name", prompt="姓名 (the person's name)")
@click.option("--phone", default=None, help="Mobile number (optional; also logs in).")
@click.option("--title", default="县扶贫办", show_default=True, help="职务 shown with the name.")
@click.option("--password", envvar="BANGFU_SETUP_PASSWORD", default=None,
              help="Asked for (twice) when omitted; or from BANGFU_SETUP_PASSWORD.")  # fmt: skip
@friendly_errors
def setup(
    province_code: str,
    province_name: str,
    city_code: str,
    city_name: str,
    county_code: str,
    county_name: str,
    username: str,
    display_name: str,
    phone: str | None,
    title: str,
    password: str | None,
) -> None:
    """A real deployment on an empty database: the county with its province and city, and the county office's first
    account. Everything after this is done in the browser (README, "Going live")."""
    from server.accounts.admin_forms import MOBILE, USERNAME
    from server.accounts.passwords import password_problem
    from server.i18n import gettext
    from server.operations.deployment import FirstAccount, NotSetUp, Place, place_problems, set_up

    province = Place(province_code.strip(), province_name.strip())
    city = Place(city_code.strip(), city_name.strip())
    county = Place(county_code.strip(), county_name.strip())
    problems = place_problems(province, city, county)
    if problems:
        raise click.UsageError("区划代码或名称有误 (division codes): " + "; ".join(gettext(p) for p in problems))
    if not USERNAME.match(username) or not display_name.strip():
        raise click.UsageError("用户名须为 3-40 个字母、数字或 _ . - (username), 姓名不能为空 (name required)")
    if phone and not MOBILE.match(phone):
        raise click.UsageError(f"手机号格式不对 (mobile number): {phone}")
    if password is None:
        password = click.prompt("密码 Password", hide_input=True, confirmation_prompt="再输入一次 Again")
    if problem := password_problem(password, username):
        raise click.UsageError(f"密码不符合要求: {gettext(problem)}")
    account = FirstAccount(username, display_name.strip(), password, phone or None, title.strip())
    try:
        user_id = run_with_database(lambda: set_up(province, city, county, account))
    except NotSetUp as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"已建立 {province.name} {city.name} {county.name} 及县扶贫办账号 {username} (id {user_id})")
    click.echo("下一步: 用这个账号登录, 在「乡镇」中添加乡镇并为每个乡镇建立管理员账号。")
    click.echo("Next: log in, add the townships and create each township admin's account (README, Going live).")


@main.command("purge-audit")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@friendly_errors
def purge_audit(dry_run: bool) -> None:
    """Delete audit entries older than the retention period (183 days); runs as the database owner."""
    from server.audit.retention import RETENTION_DAYS, purge_expired

    count = run_with_database(lambda: purge_expired(os.environ["DATABASE_URL"], dry_run), as_owner=True)
    done = "可删除 (dry run: nothing deleted)" if dry_run else "已删除 (deleted)"
    click.echo(f"超过 {RETENTION_DAYS} 天的审计记录 {count} 条{done}")


@main.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@friendly_errors
def backup(target: Path) -> None:
    """Back up the database (pg_dump, custom format) and every stored photo into a new directory, with a manifest."""
    from server.media.storage import default_storage
    from server.operations.backup import BackupError
    from server.operations.backup import backup as make_backup

    with database_server(get_settings()) as url:
        try:
            manifest = asyncio.run(make_backup(url, default_storage(), target))
        except BackupError as error:
            raise click.ClickException(str(error)) from error
    rows = manifest["database"]["rows"]
    photos = manifest["photos"]
    click.echo(
        f"备份完成 (backup written) {target}: {len(rows)} 张表 {sum(rows.values())} 行, "
        f"{photos['count']} 张照片 {photos['bytes'] / 1_000_000:.1f} MB, 版本 {manifest['app_version']}"
    )


@main.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database or photo store that already holds data.")
@friendly_errors
def restore(source: Path, force: bool) -> None:
    """Restore a backup into an empty database and photo store, after checking its manifest."""
    from server.database import app_database_url, secret_key
    from server.media.storage import default_storage
    from server.operations.backup import BackupError
    from server.operations.backup import restore as restore_backup
    from server.operations.roles import set_up_app_role

    settings = get_settings()
    with database_server(settings) as url:

        async def work() -> Any:
            done = await restore_backup(url, default_storage(), source, force)
            key = await secret_key(settings, url)
            return done, await set_up_app_role(url, app_database_url(settings, url, key))

        try:
            done, setup = asyncio.run(work())
        except BackupError as error:
            raise click.ClickException(str(error)) from error
    click.echo(
        f"恢复完成 (restored) {source} ({done.created_at} 的备份, 版本 {done.app_version}): "
        f"{done.tables} 张表 {done.rows} 行, {done.photos} 张照片 {done.photo_bytes / 1_000_000:.1f} MB"
    )
    if not setup.ready:
        click.echo(f"警告: {setup.advice}", err=True)
