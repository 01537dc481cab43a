"""The application factory: routes, middleware, templates, CSRF and the database lifespan."""

from __future__ import annotations

import gc
import mimetypes
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest

from server.accounts.admin_controller import CountyUserController, UserAdminController
from server.accounts.controller import AccountController, LoginController
from server.audit.controller import AuditController
from server.county.controller import CountyController
from server.county.lists_controller import CountyListsController, TownshipListsController
from server.database import close_database, open_database, secret_key_in_use
from server.employers.controller import EmployerAdminController, EmployerJobsController, EmployerReferralsController
from server.exits.controller import ExitController
from server.home.controller import HomeController, PublicController
from server.home.glossary import GlossaryController
from server.households.controller import HouseholdController, MemberController
from server.households.excel_controller import HouseholdExcelController
from server.identification.controller import ApplicationController, IdentificationController
from server.jobs.board import BoardController
from server.jobs.controller import JobsController
from server.jobs.training_controller import TrainingController
from server.media.storage import Storage, default_storage
from server.monitoring.controller import AssessmentSheetController, MonitoringController
from server.observability.logs import configure_logging
from server.pairing.card_controller import CardController
from server.pairing.controller import AssistantController, PairingController
from server.pairing.coverage_controller import CoverageController
from server.places.controller import PlacesController
from server.places.county_controller import CountyPlacesController
from server.plans.controller import ManualController, PlanController, PlanListController
from server.policy.controller import PolicyController
from server.projects.controller import ProjectController
from server.regions.controller import RegionController
from server.reports.controller import PublicPageController, ReportController
from server.reports.public_controller import PublicReportController
from server.settings import get_settings
from server.standby import close_standby, open_standby
from server.statistics.controller import StatisticsController
from server.supervision.calls_controller import CallsController
from server.supervision.checks_controller import ChecksController
from server.supervision.controller import SupervisionController
from server.supervision.findings_controller import FindingController
from server.visits.controller import HouseholdVisitController, VisitController
from server.visits.lists import HouseholdRecordController, VisitListController
from server.visits.outbox_controller import OutboxController
from server.web.assets import static_version_guard
from server.web.auth import SessionAuthMiddleware
from server.web.errors import EXCEPTION_HANDLERS
from server.web.offline import offline_cache_header
from server.web.security import security_headers
from server.web.telemetry import MetricsController, RequestContextMiddleware, observe_answer
from server.web.templating import template_config
from server.web.wire import COMPRESSION, Bangfu, static

ROUTES = [
    PublicController,
    PublicReportController,
    LoginController,
    HomeController,
    GlossaryController,
    AccountController,
    UserAdminController,
    CountyUserController,
    PairingController,
    AssistantController,
    CoverageController,
    CountyController,
    RegionController,
    CountyListsController,
    TownshipListsController,
    StatisticsController,
    CardController,
    HouseholdExcelController,
    HouseholdController,
    MemberController,
    PlacesController,
    CountyPlacesController,
    PolicyController,
    IdentificationController,
    ApplicationController,
    HouseholdVisitController,
    VisitController,
    VisitListController,
    HouseholdRecordController,
    PlanController,
    PlanListController,
    ManualController,
    ExitController,
    OutboxController,
    JobsController,
    TrainingController,
    BoardController,
    EmployerJobsController,
    EmployerReferralsController,
    EmployerAdminController,
    ProjectController,
    AuditController,
    MonitoringController,
    AssessmentSheetController,
    ReportController,
    PublicPageController,
    SupervisionController,
    CallsController,
    ChecksController,
    FindingController,
    MetricsController,
]


@asynccontextmanager
async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    key = await open_database(settings)
    await open_standby(settings)
    if app.csrf_config:
        app.csrf_config.secret = key  # the same on every host and worker (BANGFU_SECRET_KEY, or kept in the database)
    try:
        yield
    finally:
        await close_standby()
        await close_database()


def create_app(storage: Storage | None = None) -> Bangfu:
    """The app; `storage` is where photos go (default: the configured one, see server.media.storage)."""
    settings = get_settings()
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    configure_logging(settings.log_format)
    photos = storage or default_storage()
    return Bangfu(
        route_handlers=[*ROUTES, static],
        middleware=[RequestContextMiddleware(), DefineMiddleware(SessionAuthMiddleware)],
        dependencies={"storage": Provide(lambda: photos, use_cache=True, sync_to_thread=False)},
        before_send=[
            security_headers(hsts=settings.secure_cookies),
            offline_cache_header,
            static_version_guard,
            observe_answer,
        ],
        csrf_config=CSRFConfig(
            # Until the lifespan has the key every host shares (in-process tests run without the lifespan).
            secret=secret_key_in_use(),
            cookie_name="bangfu_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["^/healthz$"],
        ),
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        compression_config=COMPRESSION,
        plugins=[HTMXPlugin()],
        request_class=HTMXRequest,
        lifespan=[database_lifespan],
        openapi_config=None,
        logging_config=None,  # ours (server.observability.logs): JSON lines with the request id, personal data masked
        debug=False,
    )


def create_served_app() -> Bangfu:
    """The app as each worker of `bangfu serve` builds it. What exists once it is built (the modules, the templates,
    pypinyin's dictionaries: about 360,000 objects) lives as long as the worker, so it is frozen out of the garbage
    collector's sight: a full collection, which a large download sets off (the county's assessment: 95,000 cells),
    no longer walks it (107 ms a collection on this machine; the county's assessment 702 -> 578 ms of CPU)."""
    app = create_app()
    gc.freeze()
    return app
