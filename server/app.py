"""The application factory: routes, middleware, templates, CSRF and the database lifespan."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest

from server.accounts.controller import AccountController, LoginController, UserAdminController
from server.audit.controller import AuditController
from server.county.controller import CountyController
from server.database import close_database, open_database
from server.employers.controller import EmployerAdminController, EmployerJobsController, EmployerReferralsController
from server.home.controller import HomeController, PublicController
from server.households.controller import HouseholdController, MemberController
from server.households.excel_controller import HouseholdExcelController
from server.identification.controller import ApplicationController, IdentificationController
from server.jobs.board import BoardController
from server.jobs.controller import JobsController
from server.jobs.training_controller import TrainingController
from server.monitoring.controller import AssessmentSheetController, MonitoringController
from server.pairing.card_controller import CardController
from server.pairing.controller import AssistantController, PairingController
from server.pairing.coverage_controller import CoverageController
from server.places.controller import PlacesController
from server.policy.controller import PolicyController
from server.projects.controller import ProjectController
from server.reports.controller import PublicPageController, ReportController
from server.reports.public_controller import PublicReportController
from server.settings import get_settings
from server.supervision.calls_controller import CallsController
from server.supervision.checks_controller import ChecksController
from server.supervision.controller import SupervisionController
from server.supervision.findings_controller import FindingController
from server.visits.controller import HouseholdVisitController, VisitController
from server.visits.lists import HouseholdRecordController, VisitListController
from server.visits.outbox_controller import OutboxController
from server.web.auth import SessionAuthMiddleware
from server.web.errors import EXCEPTION_HANDLERS
from server.web.offline import offline_cache_header
from server.web.security import security_headers
from server.web.templating import template_config
from server.web.wire import COMPRESSION, Bangfu, static

ROUTES = [
    PublicController,
    PublicReportController,
    LoginController,
    HomeController,
    AccountController,
    UserAdminController,
    PairingController,
    AssistantController,
    CoverageController,
    CountyController,
    CardController,
    HouseholdExcelController,
    HouseholdController,
    MemberController,
    PlacesController,
    PolicyController,
    IdentificationController,
    ApplicationController,
    HouseholdVisitController,
    VisitController,
    VisitListController,
    HouseholdRecordController,
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
]


@asynccontextmanager
async def database_lifespan(_: Litestar) -> AsyncIterator[None]:
    await open_database(get_settings())
    try:
        yield
    finally:
        await close_database()


def create_app() -> Bangfu:
    settings = get_settings()
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return Bangfu(
        route_handlers=[*ROUTES, static],
        middleware=[DefineMiddleware(SessionAuthMiddleware)],
        before_send=[security_headers(hsts=settings.secure_cookies), offline_cache_header],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
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
        debug=False,
    )
