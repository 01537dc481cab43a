"""What the audit trail's action and target codes mean on screen; an unknown code is shown as it is stored."""

from __future__ import annotations

from typing import Any

from server.codes import CodeList, Summary, TrailFields
from server.i18n import N_, gettext

# The action names used across the app (grep `record(`); areas that add one should add its label here.
ACTIONS = CodeList(
    ("login", N_("Logged in")),
    ("login_failed", N_("Login failed")),
    ("account_locked", N_("Account locked")),
    ("login_refused_locked", N_("Login refused: account locked")),
    ("logout", N_("Logged out")),
    ("password_changed", N_("Password changed")),
    ("user_enabled", N_("Account enabled")),
    ("user_disabled", N_("Account disabled")),
    ("household_created", N_("Household registered")),
    ("household_changed", N_("Household changed")),
    ("household_updated", N_("Household updated by identification")),
    ("member_added", N_("Member added")),
    ("member_changed", N_("Member changed")),
    ("member_removed", N_("Member removed")),
    ("reveal_id_number", N_("Full ID number shown")),
    ("reveal_bank_account", N_("Full bank account shown")),
    ("reveal_audit_detail", N_("Audit entry shown unmasked")),
    ("door_cards_opened", N_("Door cards opened (phones shown)")),
    ("export", N_("Exported")),
    ("coverage_exported", N_("Coverage exported")),
    ("pairing_started", N_("Pairing started")),
    ("pairing_ended", N_("Pairing ended")),
    ("visit_recorded", N_("Visit recorded")),
    ("visit_edited", N_("Visit edited")),
    ("visit_photo_added", N_("Visit photo added")),
    ("identification_apply", N_("Identification: application")),
    ("identification_survey", N_("Identification: home survey")),
    ("identification_shortlist", N_("Identification: preliminary list")),
    ("identification_appraise", N_("Identification: democratic appraisal")),
    ("identification_notice", N_("Identification: public notice")),
    ("identification_review", N_("Identification: township review")),
    ("identification_approve", N_("Identification: county approval")),
    ("identification_register", N_("Identification: registered")),
    ("identification_send_back", N_("Identification: sent back by the county")),
    ("identification_objection", N_("Identification: objection")),
    ("identification_objection_answered", N_("Identification: objection answered")),
    ("identification_settings_changed", N_("Identification settings changed")),
    ("village_added", N_("Village added")),
    ("village_changed", N_("Village changed")),
    ("village_closed", N_("Village closed")),
    ("village_reopened", N_("Village opened again")),
    ("group_added", N_("Village group added")),
    ("group_renamed", N_("Village group renamed")),
    ("group_removed", N_("Village group removed")),
    ("township_rules_changed", N_("Township rules changed")),
    ("poverty_standard_changed", N_("Poverty standard changed")),
    ("policy_value_recorded", N_("Rule changed")),
    ("employer_created", N_("Employer added")),
    ("employer_approved", N_("Employer approved")),
    ("employer_unapproved", N_("Employer approval withdrawn")),
    ("job_created", N_("Job posted")),
    ("job_changed", N_("Job changed")),
    ("job_status", N_("Job status changed")),
    ("referral_created", N_("Worker referred")),
    ("referral_answered", N_("Referral answered")),
    ("training_created", N_("Training added")),
    ("training_enrolled", N_("Training enrolment")),
    ("training_result", N_("Training result")),
    ("member_wish_saved", N_("Work wishes saved")),
    ("project_created", N_("Project created")),
    ("project_changed", N_("Project changed")),
    ("project_progress_added", N_("Project progress noted")),
    ("project_beneficiaries_changed", N_("Project beneficiaries changed")),
    ("risk_found", N_("Monitoring: risk found")),
    ("risk_notice", N_("Monitoring: village notice")),
    ("risk_confirm", N_("Monitoring: confirmed as monitored")),
    ("risk_clear", N_("Monitoring: risk cleared")),
    ("household_monitoring_changed", N_("Monitoring type changed")),
    ("households_imported", N_("Households imported")),
    ("roster_imported", N_("Roster imported")),
    ("password_reset", N_("Password reset")),
    ("user_changed", N_("Account changed")),
    ("village_moved", N_("Village moved")),
    ("plan_item_added", N_("Plan measure added")),
    ("plan_item_removed", N_("Plan measure removed")),
    ("public_page_saved", N_("Public page saved")),
    ("public_report_dropped", N_("Public report dropped")),
    ("spot_check_planned", N_("Spot check planned")),
    ("finding_recorded", N_("Finding recorded")),
    ("finding_photo_added", N_("Finding photo added")),
    ("rectification_answered", N_("Rectification answered")),
    ("rectification_accepted", N_("Rectification accepted")),
    ("rectification_sent_back", N_("Rectification sent back")),
    ("verification_sample_drawn", N_("Verification sample drawn")),
    ("verification_call_opened", N_("Verification call opened")),
    ("verification_call_recorded", N_("Verification call recorded")),
    ("verification_denial_reviewed", N_("Verification denial reviewed")),
    ("user_created", N_("Account created")),
    ("township_added", N_("Township added")),
    ("township_renamed", N_("Township renamed")),
    ("deployment_set_up", N_("Deployment set up")),
    ("door_card_renewed", N_("Door card renewed")),
    ("public_report_received", N_("Public report received")),
    ("public_report_handled", N_("Public report handled")),
    ("county_submitted", N_("List sent to the county")),
    ("county_decided", N_("County decided")),
    ("county_announced", N_("County notice published")),
    ("monitoring_sent_back", N_("Monitoring case sent back")),
    ("return_rate_closed", N_("Return rate closed for the year")),
    ("exit_check", N_("Exit: checked at home")),
    ("exit_appraise", N_("Exit: democratic appraisal")),
    ("exit_notice", N_("Exit: village notice")),
    ("exit_review", N_("Exit: township review")),
    ("exit_approve", N_("Exit: county approval")),
    ("exit_announce", N_("Exit: announced")),
    ("exit_objection", N_("Objection to an exit")),
    ("exit_objection_answered", N_("Objection to an exit answered")),
)

# Who acted when nobody logged in: the actor label the trail stores for a public report, and its name on screen.
DOOR_CARD = "door card"
TOWNSHIP_PAGE = "township page"
ACCOUNTLESS_ACTORS = CodeList((DOOR_CARD, N_("Door card")), (TOWNSHIP_PAGE, N_("The township's public page")))


def actor_name(display_name: str | None, label: str) -> str:
    """Who acted: the account's name, else the trail's label (a public report's door card or page, named)."""
    return display_name or ACCOUNTLESS_ACTORS.label(label)


def with_actor_names(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A workflow's step rows (each with its account's `actor_name` and the stored `actor_label`), each with `who`
    took it as `actor_name` names them: never the login name the label keeps."""
    return [{**step, "who": actor_name(step["actor_name"], step["actor_label"])} for step in steps]


TARGET_TYPES = CodeList(
    ("household", N_("Household")),
    ("member", N_("Member")),
    ("visit", N_("Visit")),
    ("pairing", N_("Pairing")),
    ("project", N_("Project")),
    ("user", N_("Account")),
    ("employer", N_("Employer")),
    ("job", N_("Job")),
    ("referral", N_("Referral")),
    ("training", N_("Training")),
    ("village", N_("Village")),
    ("township", N_("Township")),
    ("poverty_standard", N_("Poverty standard")),
    ("region", N_("Province or city")),
    ("ledger", N_("Ledger")),
    ("audit_event", N_("Audit entry")),
    ("audit", N_("Audit trail")),
    ("county", N_("County")),
    ("households", N_("Household register")),
    ("objection", N_("Objection")),
    ("enrolment", N_("Enrolment")),
    ("jobs_figures", N_("Employment figures")),
    ("county_submission", N_("List sent to the county")),
    ("finding", N_("Finding")),
    ("public_report", N_("Public report")),
    ("spot_check", N_("Spot check")),
    ("verification_call", N_("Verification call")),
    ("verification_sample", N_("Verification sample")),
)

# Targets that have a page of their own.
TARGET_LINKS = {
    "household": "/households/{}",
    "project": "/projects/{}",
    "visit": "/visits/{}",
    "public_report": "/reports/{}",
}


# The filters of an export (the register's search, the audit trail's), named as their forms name them.
FILTER_LABELS = {
    "q": N_("Search"),
    "village": N_("Village"),
    "status": N_("Poverty status"),
    "action": N_("Action"),
    "actor": N_("Who (username)"),
    "target_type": N_("Target"),
    "target_id": N_("Target number (e.g. household id 123)"),
    "from": N_("From"),
    "to": N_("To"),
}


def _filters(filters: dict[str, Any]) -> Summary:
    """An export's filters in one line, each by its label (empty ones left out)."""
    parts = [f"{gettext(FILTER_LABELS.get(name, name))}: {value}" for name, value in filters.items() if value]
    return "；".join(parts) or "—", []


# What was exported (`what`, `ledger`, `list` of an export event), named as the pages that export them name them.
EXPORTED = CodeList(
    ("assessment", N_("Assessment")),
    ("statistics", N_("Statistics")),
    ("county figures", N_("County figures")),
    ("assistance_manual", N_("Assistance manual")),
    ("assistance_manuals", N_("Assistance manuals of the village")),
    ("monthly_work_log", N_("Monthly work log")),
    ("unvisited", N_("Not visited")),
    ("overdue", N_("Follow-ups overdue")),
)
# Exports, from every area (grep `record("export"`), and the audit trail's own events, as the audit page reads them.
EXPORTS = TrailFields(
    actions=("export", "reveal_audit_detail"),
    labels={
        "what": N_("What"),
        "ledger": N_("Ledger"),
        "list": N_("List"),
        "format": N_("Format"),
        "year": N_("Year"),
        "period": N_("Period"),
        "village": N_("Village"),
        "cadre": N_("Cadre"),
        "townships": N_("Townships"),
        "households": N_("Households"),
        "rows": N_("Rows"),
        "filters": N_("Filters"),
    },
    codes={"what": EXPORTED, "ledger": EXPORTED, "list": EXPORTED},
    refs={"village": "village", "cadre": "user"},
    summaries={"filters": _filters},
)
