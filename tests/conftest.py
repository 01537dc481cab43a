"""Test fixtures: a fresh, migrated PostgreSQL database per run, a transaction per test, an in-process client."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher

from server.accounts.queries import create_user
from server.accounts.roles import Role
from server.app import create_app
from server.database import (
    EmbeddedPostgres,
    app_database_url,
    app_role_name,
    close_pool,
    connect,
    database_name,
    open_app_pool,
    secret_key,
    use_database,
    with_database,
)
from server.media.objects import S3Storage
from server.operations.migrations import migrate
from server.operations.roles import set_up_app_role
from server.piccolo_conf import DB
from server.places.tables import County, Township, Village
from server.settings import ROOT, S3Settings, get_settings
from tests.helpers import PASSWORD
from tests.services import SeaweedFS, s3_settings_from_environment


@pytest.fixture(scope="session")
def database_server() -> Iterator[str]:
    """DATABASE_URL's server when set, else an embedded PostgreSQL kept apart from the dev data."""
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    embedded = EmbeddedPostgres(ROOT / "var" / "test-pgdata")
    try:
        yield embedded.start()
    finally:
        embedded.stop()


async def create_database(server_url: str, prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connection = await connect(with_database(server_url, "postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(server_url, name)


async def drop_database(url: str) -> None:
    """Drop the database and its app role (roles are the whole server's: other runs' roles are left alone)."""
    name = database_name(url)
    connection = await connect(with_database(url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'DROP ROLE IF EXISTS "{app_role_name(name)}"')
    finally:
        await connection.close()


async def drop_orphaned_app_roles(server_url: str) -> None:
    """App roles of test databases gone with a killed run: dropped, so roles don't pile up on the shared server."""
    connection = await connect(with_database(server_url, "postgres"))
    try:
        orphans = await connection.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname ~ '^bangfu_[a-z]+_[0-9a-f]{8}_app$' AND NOT rolsuper"
            " AND NOT EXISTS (SELECT 1 FROM pg_database d WHERE d.datname || '_app' = rolname)"
        )
        for row in orphans:
            try:
                await connection.execute(f'DROP ROLE IF EXISTS "{row["rolname"]}"')
            except asyncpg.PostgresError:  # being dropped by its own run, or still granted somewhere: not ours
                continue
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def database(database_server: str) -> AsyncIterator[str]:
    """A new database for this run, migrated by its owner as `bangfu migrate` does, with Piccolo's pool open on it
    as the app role (which may read and write rows, never tables or the audit trail). Yields the owner's URL."""
    await drop_orphaned_app_roles(database_server)
    url = await create_database(database_server, "bangfu_test")
    use_database(url)
    setup = await migrate(url, get_settings())
    assert setup.ready, setup.advice
    await open_app_pool(get_settings(), url, max_size=4)
    try:
        yield url
    finally:
        await close_pool()
        await drop_database(url)


@pytest.fixture(scope="session")
async def migrated_template(database_server: str) -> AsyncIterator[str]:
    """A database migrated by `bangfu migrate`, as an operator would, once per run: the tests that need one of their
    own get a copy of it (`migrated_copy`) in a fraction of a second, where the command takes seconds."""
    url = await create_database(database_server, "bangfu_template")
    try:
        run_command(url, "migrate")
        yield url
    finally:
        await drop_database(url)


def run_command(url: str, *args: str) -> str:
    """What `bangfu ARGS` printed on the database `url`, once it has succeeded."""
    done = subprocess.run(
        [sys.executable, "-m", "server", *args], cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


async def migrated_copy(template: str, prefix: str) -> str:
    """A new database as `bangfu migrate` leaves it: a copy of the template, its own app role given the app's
    privileges (as the command's last step does) and the template's app role none."""
    url = with_database(template, f"{prefix}_{uuid.uuid4().hex[:8]}")
    connection = await connect(with_database(template, "postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{database_name(url)}" TEMPLATE "{database_name(template)}"')
    finally:
        await connection.close()
    connection = await connect(url)
    try:
        await connection.execute(f'DROP OWNED BY "{app_role_name(database_name(template))}"')
    finally:
        await connection.close()
    setup = await set_up_app_role(url, app_database_url(get_settings(), url, await secret_key(get_settings(), url)))
    assert setup.ready, setup.advice
    return url


@pytest.fixture
async def db(database: str) -> AsyncIterator[Any]:
    """Each test runs in a transaction that is rolled back afterwards: every test starts clean."""
    async with DB.transaction(allow_nested=False) as transaction:  # never inside `demo`'s, which it would end
        yield transaction
        await transaction.rollback()


@dataclasses.dataclass(frozen=True)
class Demo:
    """A database holding the demo township, and what loading it said."""

    url: str
    summary: str


@pytest.fixture(scope="session")
async def demo_template(migrated_template: str) -> AsyncIterator[Demo]:
    """The demo township loaded once a run by `bangfu demo`, as `make run` loads it; the modules that read it each
    get a copy (`demo_township`) in a fraction of a second, where a load takes ten to thirty."""
    url = await migrated_copy(migrated_template, "bangfu_demo")
    try:
        yield Demo(url, summary=run_command(url, "demo").splitlines()[0])
    finally:
        await drop_database(url)


@pytest.fixture(scope="module")
async def demo_township(demo_template: Demo) -> AsyncIterator[Demo]:
    """A copy of the demo township for the tests of a module that read it: whatever one of them leaves behind (an
    app path that commits on a connection of its own) the next module never sees."""
    url = await migrated_copy(demo_template.url, "bangfu_demo_copy")
    try:
        yield Demo(url, demo_template.summary)
    finally:
        await drop_database(url)


@asynccontextmanager
async def pool_on(url: str, back_to: str) -> AsyncIterator[None]:
    """Piccolo's pool on another database (as the app role) while the block runs, then on `back_to` again."""
    await close_pool()
    use_database(url)
    await open_app_pool(get_settings(), url, max_size=4)
    try:
        yield
    finally:
        await close_pool()
        use_database(back_to)
        await open_app_pool(get_settings(), back_to, max_size=4)


@pytest.fixture
async def demo(demo_township: Demo, database: str) -> AsyncIterator[Any]:
    """A test on the demo township (`demo_township`), in a transaction rolled back at its end; the pool is on the
    module's copy only meanwhile, so the module's other tests never see it."""
    async with pool_on(demo_township.url, back_to=database), DB.transaction(allow_nested=False) as transaction:
        yield transaction
        await transaction.rollback()


@pytest.fixture(scope="session")
def app() -> Any:
    return create_app()


@asynccontextmanager
async def in_process(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in this process (no lifespan: the session fixture owns the pool)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def client(app: Any, db: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(app) as http:
        yield http


@pytest.fixture
async def demo_client(app: Any, demo: Any) -> AsyncIterator[httpx.AsyncClient]:
    """`client` on the demo township."""
    async with in_process(app) as http:
        yield http


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The test users' password as the app stores it (argon2id), at argon2's lowest cost: a login checks it in
    microseconds, not the half second of the app's own cost (which the users the app makes still have)."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@pytest.fixture
async def township(db: Any) -> dict[str, int]:
    county = County(name="平邑县", code="371326000000")
    await county.save()
    town = Township(county=county.id, name="临涧镇", code="371326105000")
    await town.save()
    village = Village(township=town.id, name="双河村", code="371326105001", key_level="provincial", population=900)
    await village.save()
    return {"county": county.id, "township": town.id, "village": village.id}


@pytest.fixture
def make_user(password_hash: str, township: dict[str, int]) -> Any:
    """Create a user of the test township: `await make_user("cadre", username="zhang")`."""

    async def make(role: str, username: str | None = None, **fields: Any) -> int:
        fields.setdefault("township_id", township["township"] if role != "employer" else None)
        return await create_user(
            username=username or f"{role}_{uuid.uuid4().hex[:6]}",
            password_hash=password_hash,
            display_name=fields.pop("display_name", "测试用户"),
            role=Role(role),
            **fields,
        )

    return make


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS | None]:
    """SeaweedFS on loopback for the whole run, or None when BANGFU_TEST_S3_ENDPOINT names another S3 store."""
    if s3_settings_from_environment() is not None:
        yield None
        return
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs") / "data")
    try:
        store.start()
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="session")
def object_store(seaweedfs: SeaweedFS | None) -> S3Settings:
    """The bucket of this run, under a prefix of its own (an outside store may hold other runs' objects)."""
    base = s3_settings_from_environment() or (seaweedfs.settings("bangfu-test") if seaweedfs else None)
    assert base is not None
    S3Storage(base).ensure_bucket()
    return dataclasses.replace(base, prefix=f"run-{uuid.uuid4().hex[:8]}/")


@pytest.fixture
def bucket(object_store: S3Settings) -> S3Storage:
    """An empty corner of the bucket for one test."""
    return S3Storage(dataclasses.replace(object_store, prefix=f"{object_store.prefix}{uuid.uuid4().hex[:8]}/"))
