"""Demo charters, SMART objectives, scope, deliverables and change requests.

Called from ``projects.demo`` with the curated projects. Open projects go through the real
services (the PM writes and submits, the sponsor approves or returns, the sponsor decides on
deliverables and change requests), so their history names the people; approval and decision
times are then set back to plausible past dates. Closed and cancelled projects no longer
accept plan changes, so their charters and scope are written directly as they stood.

The story: every active or on-hold project has a charter its sponsor approved early on; the
customer portal (PRJ-0001) approved a change request that moved its baseline and is now
drafting charter revision 2; the self-service BI proposal awaits its sponsor; the disaster
recovery charter came back from its sponsor with a comment. One portal deliverable was
rejected with a reason; one portal change request is pending and another was rejected.

Idempotent: a project that already has a charter (or scope items, deliverables, change
requests) keeps them exactly as people left them.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned, save_versioned
from projects.models import (
    Baseline,
    ChangeRequest,
    Charter,
    CharterRevision,
    Deliverable,
    Project,
    ScopeItem,
    SmartObjective,
)
from projects.services import charter as charter_services
from projects.services import scope as scope_services

APPROVED, SUBMITTED, RETURNED, DRAFT = "approved", "submitted", "returned", "draft"


def _objective(outcome, metric, unit, baseline, target, due, owner, achievable, relevant):
    """``due`` is days after the planned finish (negative: before it); ``owner`` a who-key."""
    return {
        "outcome": outcome,
        "metric": metric,
        "unit": unit,
        "baseline_value": None if baseline is None else Decimal(baseline),
        "target_value": Decimal(target),
        "due": due,
        "owner": owner,
        "achievability": achievable,
        "relevance": relevant,
    }


# Per project name: charter text (the business case grows out of the project description),
# state, objectives, scope (in, out) as (priority, text), deliverables as
# (name, criteria, position in the project's span, owner, acceptance[, reason]).
CHARTERS = {
    "Customer portal relaunch": {
        "state": APPROVED,
        "business_case": (
            "Customers cannot track orders, raise requests or download invoices without "
            "calling the service desk: 62% of the 18,000 contacts a month are status "
            "questions the portal could answer. The current portal runs on an unsupported "
            "framework and its own login, which fails the security audit.\n\n"
            "Relaunching the portal on the new identity platform lets customers serve "
            "themselves, cuts service-desk cost by an estimated 1.1M CNY a year and retires "
            "the audit finding. Cost: 2.4M CNY over ten months; payback in 26 months."
        ),
        "assumptions": (
            "The identity platform is in production before user acceptance testing starts.\n"
            "The order and invoice APIs of the ERP stay stable during the project.\n"
            "Service-desk staff can give two days a month to testing."
        ),
        "constraints": (
            "Go-live before the November peak season.\n"
            "Budget ceiling 2.4M CNY including 10% contingency.\n"
            "Accessibility: WCAG 2.1 AA; personal data stays in the China region."
        ),
        "success_criteria": (
            "Six months after go-live: 60% of service requests self-served, customer "
            "satisfaction with the portal at 4.2 of 5 or better, and the audit finding closed."
        ),
        "objectives": [
            _objective(
                "Customers serve themselves for order status, requests and invoices",
                "Share of service requests raised and closed in the portal",
                "%",
                "18",
                "60",
                180,
                "sponsor",
                "The ERP already exposes order, request and invoice data through APIs.",
                "Service-desk cost is the largest avoidable cost in customer service.",
            ),
            _objective(
                "Customers rate the new portal well",
                "Average satisfaction score in the post-visit survey",
                "of 5",
                "3.1",
                "4.2",
                180,
                "member6",
                "Two design sprints with real customers are planned before build.",
                "Satisfaction drives renewals in the key-account segment.",
            ),
            _objective(
                "The audit finding on the old portal's login is closed",
                "Open high-severity audit findings on the portal",
                "findings",
                "1",
                "0",
                0,
                "pm",
                "The identity platform already passed the same audit for the intranet.",
                "An open finding blocks the ISO 27001 recertification.",
            ),
        ],
        "revision_2": {
            "success_criteria": (
                "Six months after go-live: 60% of service requests self-served, customer "
                "satisfaction with the portal at 4.2 of 5 or better, the audit finding "
                "closed, and at least 40% of invoices downloaded from the portal instead of "
                "being sent by post (approved change request CR01)."
            ),
            "objective": _objective(
                "Customers download invoices themselves instead of receiving paper",
                "Share of invoices downloaded from the portal",
                "%",
                "0",
                "40",
                180,
                "member2",
                "The invoice archive already exists in the ERP; CR01 funds the portal side.",
                "Postage and printing cost 260,000 CNY a year.",
            ),
        },
        "in_scope": [
            ("must", "Order tracking with delivery dates for every order channel"),
            ("must", "Single sign-on through the corporate identity platform"),
            ("must", "Service requests: raise, follow and close online"),
            ("should", "Invoice download as PDF (added by CR01)"),
            ("could", "Saved delivery addresses and notification preferences"),
        ],
        "out_of_scope": [
            ("wont", "Native mobile apps (the responsive site serves phones)"),
            ("wont", "Online payment of invoices; finance plans it for next year"),
            ("wont", "Migration of the old portal's message archive"),
        ],
        "deliverables": [
            (
                "Portal design system and page templates",
                "All page templates pass WCAG 2.1 AA checks.\nSigned off by marketing.",
                0.2,
                "member6",
                "accepted",
            ),
            (
                "Identity platform integration",
                "Customers sign in with their corporate account.\n"
                "Penetration test shows no high or critical findings.",
                0.45,
                "member",
                "accepted",
            ),
            (
                "Order tracking module",
                "Shows correct status and delivery date for 200 sample orders from every "
                "channel.\nPage loads in under two seconds at peak load.",
                0.6,
                "member2",
                "rejected",
                "Orders from the distributor channel show no delivery date (38 of the 200 "
                "samples); fix the channel mapping and resubmit.",
            ),
            (
                "User acceptance test report",
                "All critical and high defects closed; service-desk lead signs the report.",
                0.8,
                "member",
                "pending",
            ),
            (
                "Go-live and hypercare handover",
                "Two weeks of hypercare without a priority-1 incident; runbook accepted by "
                "operations.",
                0.97,
                "pm",
                "pending",
            ),
        ],
        "change_requests": [
            {
                "title": "Add invoice download to the portal",
                "description": (
                    "Key accounts asked to download invoices as PDF instead of receiving "
                    "paper copies. The ERP archive exposes them; the portal needs a page, "
                    "search and access rules per customer account."
                ),
                "schedule_impact_days": 12,
                "cost_impact": Decimal("185000.00"),
                "scope_impact": "Adds 'Invoice download' to scope (should have).",
                "decision": "approve",
                "note": "Approved: funded from contingency; move the baseline.",
                "move_baseline": True,
                "raised": 0.35,
            },
            {
                "title": "Live chat with the service desk",
                "description": (
                    "Marketing asks for live chat on every portal page, staffed by the "
                    "service desk during office hours."
                ),
                "schedule_impact_days": 25,
                "cost_impact": Decimal("320000.00"),
                "scope_impact": "Adds live chat; needs a chat platform licence.",
                "decision": "reject",
                "note": (
                    "Rejected for this release: the service desk cannot staff it before "
                    "the peak season. Raise it again for phase 2."
                ),
                "raised": 0.5,
            },
            {
                "title": "Delay go-live by two weeks for identity provider recovery",
                "description": (
                    "The identity provider integration slipped three weeks. The vendor's "
                    "recovery plan holds the go-live date only if testing starts on time; "
                    "two weeks of buffer would protect the peak season."
                ),
                "schedule_impact_days": 10,
                "cost_impact": Decimal("64000.00"),
                "scope_impact": "",
                "decision": None,
                "raised": 0.62,
            },
        ],
    },
    "ERP finance module rollout": {
        "state": APPROVED,
        "business_case": (
            "The old finance system is out of vendor support next year and needs manual "
            "reconciliations at every month-end: the close takes nine working days. Rolling "
            "out general ledger, accounts payable and fixed assets on the new ERP for all "
            "legal entities gives one chart of accounts, a five-day close and lets the old "
            "system be retired after two clean month-end closes."
        ),
        "assumptions": "Entity controllers validate the ledger mapping within two weeks.",
        "constraints": "Cut-over only at a month-end; no cut-over in the year-end quarter.",
        "success_criteria": "Two clean month-end closes on the ERP; old system switched off.",
        "objectives": [
            _objective(
                "Month-end close is faster on the new ERP",
                "Working days from period end to closed books",
                "days",
                "9",
                "5",
                60,
                "sponsor",
                "Entity reconciliations are automated by the ERP's intercompany module.",
                "A faster close gives management figures a week earlier.",
            ),
            _objective(
                "The old finance system is retired",
                "Legal entities still posting in the old system",
                "entities",
                "7",
                "0",
                0,
                "pm",
                "Three entities already post in the ERP's pilot.",
                "Support for the old system ends next year.",
            ),
        ],
        "in_scope": [
            ("must", "General ledger for all seven legal entities"),
            ("must", "Accounts payable with three-way matching"),
            ("should", "Fixed assets register and depreciation runs"),
        ],
        "out_of_scope": [("wont", "Accounts receivable (phase 2)")],
        "deliverables": [
            (
                "Chart of accounts and ledger mapping",
                "Every old account maps to one new account; controllers sign per entity.",
                0.35,
                "member4",
                "accepted",
            ),
            (
                "Month-end close rehearsal report",
                "A full close rehearsal balances to the old system within 0.01%.",
                0.8,
                "member4",
                "pending",
            ),
        ],
        "change_requests": [
            {
                "title": "Add a third month-end close rehearsal",
                "description": (
                    "Two rehearsals failed on the ledger mapping. A third rehearsal after "
                    "the vendor's fix protects the go-live."
                ),
                "schedule_impact_days": 10,
                "cost_impact": Decimal("45000.00"),
                "scope_impact": "",
                "decision": None,
                "raised": 0.85,
            },
        ],
    },
    "Mobile field-service app": {
        "state": APPROVED,
        "business_case": (
            "Field engineers print work orders each morning and re-type notes, parts used "
            "and customer sign-offs in the evening: about 50 minutes a day each. A mobile "
            "app that works offline gives them work orders, parts and sign-off on site, "
            "and customers get a same-day visit report."
        ),
        "assumptions": "Engineers keep their current company phones (Android 12 or later).",
        "constraints": "Must work without network coverage in basements and plant rooms.",
        "success_criteria": "Paper work orders stopped; visit reports sent the same day.",
        "objectives": [
            _objective(
                "Engineers spend less time on paperwork",
                "Administrative minutes per engineer per day",
                "minutes",
                "50",
                "15",
                90,
                "sponsor",
                "A two-week pilot with six engineers showed 35 minutes saved.",
                "Each hour saved is an extra visit per engineer per week.",
            ),
            _objective(
                "Customers receive the visit report the same day",
                "Share of visit reports sent within 24 hours",
                "%",
                "35",
                "95",
                90,
                "member8",
                "The app sends the signed report as soon as it has network.",
                "Late reports are the top complaint in the service survey.",
            ),
        ],
        "in_scope": [
            ("must", "Work orders offline, with parts and time booking"),
            ("must", "Customer signature and visit report on site"),
            ("could", "Photo attachments to work orders"),
        ],
        "out_of_scope": [("wont", "Route planning for dispatchers")],
        "deliverables": [
            (
                "Offline work-order app, pilot release",
                "Twelve engineers use it for two weeks; no data lost when offline.",
                0.45,
                "member2",
                "pending",
            ),
        ],
    },
    "Data warehouse consolidation": {
        "state": APPROVED,
        "business_case": (
            "Three departmental data marts define customers, orders and cost centres "
            "differently, so monthly figures disagree and analysts spend days reconciling "
            "them. One warehouse with shared definitions gives one set of numbers and frees "
            "the analysts for analysis; two of the three mart servers can be switched off."
        ),
        "assumptions": "Department heads agree the shared definitions within a month.",
        "constraints": "The finance mart stays read-only during the month-end close.",
        "success_criteria": "One definition per key entity; monthly figures reconcile.",
        "objectives": [
            _objective(
                "Monthly reporting needs no manual reconciliation",
                "Analyst days spent reconciling figures each month",
                "days",
                "12",
                "2",
                30,
                "sponsor",
                "The shared definitions are drafted; the load jobs reuse mart logic.",
                "Disagreeing figures undermine trust in management reporting.",
            ),
            _objective(
                "Old mart servers are switched off",
                "Data-mart servers in operation",
                "servers",
                "3",
                "1",
                0,
                "member7",
                "Two marts only feed reports that move to the warehouse.",
                "Each server costs 90,000 CNY a year in licences and support.",
            ),
        ],
        "in_scope": [
            ("must", "Shared customer, order and cost-centre dimensions"),
            ("must", "Nightly loads from ERP, CRM and the web shop"),
            ("should", "Data-quality dashboard for data owners"),
        ],
        "out_of_scope": [("wont", "Real-time streaming loads")],
        "deliverables": [
            (
                "Shared data definitions",
                "Signed by the heads of finance, sales and operations.",
                0.2,
                "member",
                "accepted",
            ),
            (
                "Customer and order subject areas loaded",
                "Figures match the sales mart for the last 12 months within 0.5%.",
                0.55,
                "member7",
                "pending",
            ),
        ],
    },
    "Self-service BI dashboards": {
        "state": SUBMITTED,
        "business_case": (
            "Finance and operations wait two to three weeks for each new report from the BI "
            "team. Letting them build their own dashboards on the consolidated warehouse, "
            "with governed data sets, shortens that to days and lets the BI team focus on "
            "the data model."
        ),
        "assumptions": "The consolidated warehouse is live before the first training.",
        "constraints": "Licences for at most 60 report authors in the first year.",
        "success_criteria": "Business users publish their own dashboards on governed data.",
        "objectives": [
            _objective(
                "Business users build their own reports",
                "Days from report request to first version",
                "days",
                "15",
                "3",
                90,
                "sponsor",
                "The BI tool is already licensed for the BI team; authoring needs training.",
                "Slow reports delay pricing and stock decisions.",
            ),
            _objective(
                "Trained authors in finance and operations",
                "People certified as report authors",
                "people",
                "0",
                "40",
                30,
                "pm",
                "The training course exists and runs in two half-days.",
                "Self-service only works with enough trained authors.",
            ),
        ],
        "in_scope": [
            ("must", "Governed data sets for finance and operations"),
            ("must", "Author training and certification"),
        ],
        "out_of_scope": [("wont", "Dashboards for external customers")],
        "deliverables": [],
    },
    "Data-centre network refresh": {
        "state": APPROVED,
        "business_case": (
            "The core switches and firewalls in both data centres reach end of support this "
            "year; a failure would have no vendor fix. Replacing them with no unplanned "
            "downtime keeps every critical system supported and doubles the backbone "
            "capacity for the next five years of growth."
        ),
        "assumptions": "The switch vendor delivers within twelve weeks of the order.",
        "constraints": "Changes only in the monthly maintenance windows.",
        "success_criteria": "All core devices supported; no unplanned downtime.",
        "objectives": [
            _objective(
                "No core network device runs out of support",
                "Core devices past end of support",
                "devices",
                "14",
                "0",
                0,
                "pm",
                "Replacement designs are tested in the lab.",
                "Unsupported devices are a critical audit risk.",
            ),
            _objective(
                "Backbone capacity meets five-year growth",
                "Backbone capacity between data centres",
                "Gbit/s",
                "40",
                "100",
                0,
                "member3",
                "The new switches support 100 Gbit/s uplinks out of the box.",
                "Backup and replication traffic grows 30% a year.",
            ),
        ],
        "in_scope": [
            ("must", "Core switches and firewalls in both data centres"),
            ("should", "Network monitoring templates for the new devices"),
        ],
        "out_of_scope": [("wont", "Branch office routers")],
        "deliverables": [
            (
                "Low-level design and cut-over plan",
                "Reviewed by the architecture board; rollback tested in the lab.",
                0.25,
                "member3",
                "accepted",
            ),
        ],
    },
    "Service desk ITSM tool migration": {
        "state": APPROVED,
        "business_case": (
            "The old service-desk tool cannot link incidents, requests and knowledge "
            "articles and its licence renewal rose 40%. Moving to the new ITSM tool gives "
            "one record per customer issue, a shared knowledge base and lower licence cost."
        ),
        "assumptions": "Open tickets can be closed or migrated in a two-week freeze.",
        "constraints": "The service desk stays open throughout the migration.",
        "success_criteria": "All service-desk work in the new tool; old tool decommissioned.",
        "objectives": [
            _objective(
                "Incidents are resolved faster with a shared knowledge base",
                "Median time to resolve a priority-3 incident",
                "hours",
                "20",
                "12",
                60,
                "sponsor",
                "The new tool suggests knowledge articles on every ticket.",
                "Faster resolution is the service desk's main customer promise.",
            ),
            _objective(
                "Licence cost falls",
                "Yearly licence cost of the service-desk tool",
                "k CNY",
                "540",
                "380",
                0,
                "pm",
                "The new contract is signed at the target price.",
                "The IT budget has to absorb the cloud migration this year.",
            ),
        ],
        "in_scope": [
            ("must", "Incidents, requests and knowledge base in the new tool"),
            ("must", "Migration of open tickets and two years of history"),
        ],
        "out_of_scope": [("wont", "Asset management module")],
        "deliverables": [
            (
                "Migrated tickets and knowledge base",
                "Sample of 300 tickets checked; every article migrated with attachments.",
                0.7,
                "member3",
                "accepted",
            ),
            (
                "Operations handover pack",
                "Runbooks accepted by service operations; support contacts confirmed.",
                0.96,
                "pm",
                "pending",
            ),
        ],
    },
    "Procure-to-pay process redesign": {
        "state": APPROVED,
        "business_case": (
            "Purchase requests, approvals and matching differ between entities; invoices "
            "take 14 days to process and late-payment fees reached 210,000 CNY last year. "
            "One standard process with three-way matching shortens the cycle and removes "
            "the fees."
        ),
        "assumptions": "Approval limits are harmonised by the finance committee.",
        "constraints": "No change to the ERP's purchasing module (it is being replaced).",
        "success_criteria": "Invoice cycle time under seven days in every entity.",
        "objectives": [
            _objective(
                "Invoices are processed faster",
                "Median days from invoice receipt to approval",
                "days",
                "14",
                "7",
                0,
                "sponsor",
                "Two entities already run the target process.",
                "Late payments cost fees and supplier goodwill.",
            ),
            _objective(
                "Late-payment fees disappear",
                "Late-payment fees per year",
                "k CNY",
                "210",
                "20",
                0,
                "pm",
                "Fees come from invoices stuck in approval, which the redesign removes.",
                "Fees are pure waste in the finance budget.",
            ),
        ],
        "in_scope": [("must", "Purchase request, approval and three-way matching process")],
        "out_of_scope": [("wont", "Supplier onboarding portal")],
        "deliverables": [
            (
                "Standard procure-to-pay process",
                "Approved by the finance committee; trained in every entity.",
                0.6,
                "member4",
                "accepted",
            ),
        ],
    },
    "HR onboarding workflow automation": {
        "state": APPROVED,
        "business_case": (
            "New colleagues wait on average six working days for accounts and equipment, "
            "and HR chases four departments by email for each starter. Automating the "
            "new-starter requests makes every new colleague productive on day one."
        ),
        "assumptions": "IT and facilities accept requests through the workflow tool.",
        "constraints": "Personal data handled under the HR privacy policy.",
        "success_criteria": "Accounts, equipment and training ready on the first day.",
        "objectives": [
            _objective(
                "New colleagues are productive on day one",
                "Share of starters with account and laptop on their first day",
                "%",
                "40",
                "95",
                60,
                "sponsor",
                "The workflow triggers requests two weeks before the start date.",
                "A lost first week costs morale and about 3,000 CNY per starter.",
            ),
            _objective(
                "HR spends less time chasing requests",
                "HR hours per new starter",
                "hours",
                "6",
                "1.5",
                60,
                "member5",
                "Status is visible in one place; reminders are automatic.",
                "HR business partners are needed for hiring, not chasing.",
            ),
        ],
        "in_scope": [
            ("must", "Account, equipment and training requests from one form"),
            ("should", "Manager checklist for the first week"),
        ],
        "out_of_scope": [("wont", "Payroll set-up (payroll system project)")],
        "deliverables": [
            (
                "Onboarding workflow, first release",
                "Ten real starters onboarded end to end without email chasing.",
                0.5,
                "member5",
                "accepted",
            ),
        ],
    },
    "Marketing CRM consolidation": {
        "state": DRAFT,
        "business_case": (
            "Marketing runs two CRMs with overlapping contacts; campaigns reach some "
            "customers twice and others not at all. Merging them would give one contact "
            "base and consent record."
        ),
        "assumptions": "",
        "constraints": "",
        "success_criteria": "",
        "objectives": [
            _objective(
                "One contact base for campaigns",
                "Duplicate contacts across the two CRMs",
                "contacts",
                "42000",
                "0",
                0,
                "pm",
                "",
                "",
            ),
            _objective(
                "Every campaign contact has a recorded consent",
                "Share of contacts with a consent record",
                "%",
                "64",
                "100",
                0,
                "pm",
                "",
                "",
            ),
        ],
        "in_scope": [("must", "Merge of contacts and consent records")],
        "out_of_scope": [],
        "deliverables": [],
    },
    "Backup and disaster recovery testing": {
        "state": RETURNED,
        "return_comment": (
            "Please state the recovery time and recovery point objective for each critical "
            "system, and the cost of the fail-over test weekend, before I approve."
        ),
        "business_case": (
            "Backups run every night, but no critical system has been restored end to end "
            "in three years and recovery objectives were never agreed. Defining them and "
            "proving them with a full fail-over test of the finance and customer platforms "
            "turns an assumption into evidence for the auditors and the board."
        ),
        "assumptions": "The secondary data centre has capacity for a full fail-over.",
        "constraints": "The fail-over test happens over one weekend outside month-end.",
        "success_criteria": "Every critical system restored within its agreed objectives.",
        "objectives": [
            _objective(
                "Critical systems are proven recoverable",
                "Critical systems restored within their recovery objectives in the test",
                "systems",
                "0",
                "12",
                0,
                "pm",
                "Backups exist for all twelve systems; restore runbooks are being written.",
                "The board's risk register lists untested recovery as a top risk.",
            ),
            _objective(
                "Recovery objectives are agreed with every system owner",
                "Critical systems with a signed recovery time and recovery point objective",
                "systems",
                "2",
                "12",
                -60,
                "sponsor",
                "System owners already listed their tolerable downtime in the risk review.",
                "Without agreed objectives the test has nothing to prove.",
            ),
        ],
        "in_scope": [
            ("must", "Recovery objectives agreed for each critical system"),
            ("must", "Full fail-over test of the finance and customer platforms"),
        ],
        "out_of_scope": [("wont", "Non-critical systems (tested next year)")],
        "deliverables": [],
    },
    "Warehouse barcode scanner upgrade": {
        "state": APPROVED,
        "business_case": (
            "The 300 handheld scanners are out of support and fail at 8% a month, slowing "
            "picking. Replacing them and updating the picking app keeps the warehouse at "
            "its picking rate through the peak."
        ),
        "assumptions": "The picking app runs on the new scanners' Android version.",
        "constraints": "Rollout outside the peak season.",
        "success_criteria": "All scanners replaced; picking rate at or above target.",
        "objectives": [
            _objective(
                "Scanners no longer slow picking",
                "Scanner failures per month",
                "%",
                "8",
                "1",
                0,
                "pm",
                "New devices come with a three-year swap warranty.",
                "Every failed scanner idles a picker for an hour.",
            ),
            _objective(
                "Pickers keep their rate through the peak",
                "Order lines picked per picker-hour in the peak weeks",
                "lines",
                "92",
                "110",
                0,
                "sponsor",
                "Faster scanners and the updated app cut scan time by a third in the trial.",
                "Peak-season backlog costs overtime and late deliveries.",
            ),
        ],
        "in_scope": [("must", "Replace 300 scanners and update the picking app")],
        "out_of_scope": [("wont", "Voice picking")],
        "deliverables": [
            (
                "Scanner rollout in all warehouse zones",
                "All 300 devices in use; old devices returned to the supplier.",
                0.8,
                "member8",
                "accepted",
            ),
        ],
    },
    "Cloud cost optimisation": {
        "state": APPROVED,
        "business_case": (
            "The monthly cloud bill grew 70% in two years while usage grew 30%. "
            "Rightsizing, reserved capacity and switching off idle environments can cut it "
            "by a quarter without affecting service levels."
        ),
        "assumptions": "Application owners approve rightsizing within two weeks of a request.",
        "constraints": "No change to production service levels.",
        "success_criteria": "Monthly cloud cost 25% below the starting bill.",
        "objectives": [
            _objective(
                "The monthly cloud bill falls by a quarter",
                "Monthly cloud cost",
                "k CNY",
                "860",
                "645",
                30,
                "sponsor",
                "A cost review found 31% of spend on idle or oversized resources.",
                "Cloud cost is the fastest-growing line in the IT budget.",
            ),
            _objective(
                "Idle test environments are switched off out of hours",
                "Share of non-production environments on a schedule",
                "%",
                "10",
                "90",
                0,
                "member7",
                "Scheduling scripts exist; teams only need to tag their environments.",
                "Test environments idle 70% of the week.",
            ),
        ],
        "in_scope": [
            ("must", "Rightsizing of compute and databases"),
            ("must", "Reserved capacity purchases"),
            ("should", "Schedules for non-production environments"),
        ],
        "out_of_scope": [("wont", "Moving workloads between cloud providers")],
        "deliverables": [
            (
                "Rightsizing report and changes",
                "Each change approved by its application owner; no service-level breach.",
                0.4,
                "member7",
                "accepted",
            ),
        ],
    },
    "PMO toolkit rollout": {
        "state": APPROVED,
        "business_case": (
            "Every project reports in its own format, so the portfolio view takes the PMO "
            "a week each month and stage decisions lack comparable evidence. Common "
            "templates, stage gates, status reports and one portfolio view, with training "
            "for project managers and sponsors, make every project comparable."
        ),
        "assumptions": "Project managers get half a day for training.",
        "constraints": "Use the PMO application; no new tools.",
        "success_criteria": "Every active project reports through the toolkit.",
        "objectives": [
            _objective(
                "Every project reports in the common format",
                "Share of active projects with a current status report in the toolkit",
                "%",
                "20",
                "100",
                30,
                "sponsor",
                "The status report template is live; projects need to move across.",
                "Comparable reports are the basis for portfolio decisions.",
            ),
            _objective(
                "Project managers and sponsors are trained",
                "People who completed the toolkit training",
                "people",
                "0",
                "45",
                0,
                "pm",
                "Training sessions are booked for every month of the rollout.",
                "The toolkit only works if people use it the same way.",
            ),
        ],
        "in_scope": [
            ("must", "Templates, stage gates and status reports for all projects"),
            ("must", "Training for project managers and sponsors"),
        ],
        "out_of_scope": [("wont", "Timesheets")],
        "deliverables": [
            (
                "Project handbook and templates",
                "Published in the methodology library; reviewed by three project managers.",
                0.3,
                "pm",
                "accepted",
            ),
        ],
    },
}


# --- Helpers -----------------------------------------------------------------------------------
def _on(project: Project, position: float) -> datetime.date:
    span = (project.planned_finish - project.planned_start).days
    return project.planned_start + datetime.timedelta(days=round(span * position))


def _past(ctx: DemoContext, day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on ``day`` (at most yesterday), in the server's time zone."""
    day = min(day, ctx.today - datetime.timedelta(days=1))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _who(ctx: DemoContext, project: Project, key: str):
    if key == "pm":
        return project.project_manager
    if key == "sponsor":
        return project.sponsor or project.project_manager
    return ctx.user(key)


def _objective_data(ctx, project, spec) -> dict:
    due = max(project.planned_finish + datetime.timedelta(days=spec["due"]), project.planned_start)
    data = {k: v for k, v in spec.items() if k not in ("due", "owner")}
    return {**data, "owner": _who(ctx, project, spec["owner"]), "due_date": due}


TEXT = ("business_case", "assumptions", "constraints", "success_criteria")


def seed(ctx: DemoContext, projects: list) -> None:
    for project in projects:
        spec = CHARTERS.get(project.name)
        if spec is None:
            continue
        _seed_charter(ctx, project, spec)
        _seed_scope(ctx, project, spec)
        _seed_deliverables(ctx, project, spec)
        _seed_change_requests(ctx, project, spec)


# --- Charters ------------------------------------------------------------------------------
def _seed_charter(ctx: DemoContext, project: Project, spec: dict) -> None:
    if Charter.objects.filter(project=project).exists():
        ctx.count("projects.Charter", existing=1)
        return
    if project.is_closed:
        _write_closed_charter(ctx, project, spec)
    else:
        _write_open_charter(ctx, project, spec)
    ctx.count("projects.Charter", created=1)
    ctx.count("projects.SmartObjective", created=project.objectives.count())


def _write_open_charter(ctx: DemoContext, project: Project, spec: dict) -> None:
    pm, sponsor = project.project_manager, project.sponsor or ctx.users["pmo"][0]
    charter_services.charter_update(
        project=project, by=pm, data={k: spec[k] for k in TEXT}, expected_version=None
    )
    for objective in spec["objectives"]:
        charter_services.objective_create(
            project=project, by=pm, data=_objective_data(ctx, project, objective)
        )
    state = spec["state"]
    if state == DRAFT:
        return
    charter = Charter.objects.get(project=project)
    charter_services.charter_submit(project=project, by=pm, expected_version=charter.version)
    charter.refresh_from_db()
    if state == RETURNED:
        charter_services.charter_reject(
            project=project,
            by=sponsor,
            expected_version=charter.version,
            comment=spec["return_comment"],
        )
    elif state == APPROVED:
        revision = charter_services.charter_approve(
            project=project, by=sponsor, expected_version=charter.version
        )
        # Approved during initiation, about two weeks after the project started.
        approved_on = project.planned_start + datetime.timedelta(days=12)
        CharterRevision.objects.filter(pk=revision.pk).update(approved_at=_past(ctx, approved_on))


def _write_closed_charter(ctx: DemoContext, project: Project, spec: dict) -> None:
    """Closed and cancelled projects refuse plan changes: write the charter as it stood."""
    pm, sponsor = project.project_manager, project.sponsor or ctx.users["pmo"][0]
    approved = spec["state"] == APPROVED
    charter = create_versioned(
        instance=Charter(
            project=project,
            state=Charter.State.APPROVED if approved else Charter.State.DRAFT,
            **{k: spec[k] for k in TEXT},
        ),
        by=pm,
    )
    for position, objective in enumerate(spec["objectives"], start=1):
        create_versioned(
            instance=SmartObjective(
                project=project, position=position, **_objective_data(ctx, project, objective)
            ),
            by=pm,
        )
    if approved:
        revision = CharterRevision(
            charter=charter,
            number=1,
            snapshot=charter_services.charter_snapshot(charter),
            approved_by=sponsor,
            approved_at=_past(ctx, project.planned_start + datetime.timedelta(days=12)),
        )
        revision.full_clean()
        revision.save()


def _start_revision_2(ctx: DemoContext, project: Project, spec: dict) -> None:
    """The portal's approved change request flows into the next charter revision (a draft)."""
    extra = spec.get("revision_2")
    charter = Charter.objects.filter(project=project).first()
    if not extra or charter is None or charter.state != Charter.State.APPROVED:
        return
    pm = project.project_manager
    charter_services.charter_update(
        project=project,
        by=pm,
        data={"success_criteria": extra["success_criteria"]},
        expected_version=charter.version,
    )
    charter_services.objective_create(
        project=project, by=pm, data=_objective_data(ctx, project, extra["objective"])
    )
    ctx.count("projects.SmartObjective", created=1)


# --- Scope and deliverables ------------------------------------------------------------------
def _seed_scope(ctx: DemoContext, project: Project, spec: dict) -> None:
    if project.scope_items.exists():
        ctx.count("projects.ScopeItem", existing=project.scope_items.count())
        return
    pm = project.project_manager
    rows = [(True, p, d) for p, d in spec["in_scope"]]
    rows += [(False, p, d) for p, d in spec["out_of_scope"]]
    positions = {True: 0, False: 0}
    for in_scope, priority, description in rows:
        data = {"description": description, "in_scope": in_scope, "priority": priority}
        if project.is_closed:
            positions[in_scope] += 1
            create_versioned(
                instance=ScopeItem(project=project, position=positions[in_scope], **data),
                by=pm,
            )
        else:
            scope_services.scope_item_create(project=project, by=pm, data=data)
    ctx.count("projects.ScopeItem", created=len(rows))


def _seed_deliverables(ctx: DemoContext, project: Project, spec: dict) -> None:
    if project.deliverables.exists():
        ctx.count("projects.Deliverable", existing=project.deliverables.count())
        return
    pm = project.project_manager
    decider = project.sponsor or ctx.users["pmo"][0]
    for name, criteria, position, owner, acceptance, *reason in spec["deliverables"]:
        data = {
            "name": name,
            "acceptance_criteria": criteria,
            "owner": _who(ctx, project, owner),
            "due_date": _on(project, position),
        }
        if project.is_closed:
            decided = acceptance != Deliverable.Acceptance.PENDING
            deliverable = create_versioned(
                instance=Deliverable(
                    project=project,
                    acceptance=acceptance,
                    rejection_reason=reason[0] if reason else "",
                    decided_by=decider if decided else None,
                    decided_at=_past(ctx, data["due_date"] + datetime.timedelta(days=3))
                    if decided
                    else None,
                    **data,
                ),
                by=pm,
            )
        else:
            deliverable = scope_services.deliverable_create(project=project, by=pm, data=data)
            if acceptance != Deliverable.Acceptance.PENDING:
                scope_services.deliverable_decide(
                    deliverable=deliverable,
                    by=decider,
                    accept=acceptance == Deliverable.Acceptance.ACCEPTED,
                    reason=reason[0] if reason else "",
                    expected_version=deliverable.version,
                )
                Deliverable.objects.filter(pk=deliverable.pk).update(
                    decided_at=_past(ctx, data["due_date"] + datetime.timedelta(days=3), 15)
                )
        ctx.count("projects.Deliverable", created=1)


# --- Change requests -----------------------------------------------------------------------
def _seed_change_requests(ctx: DemoContext, project: Project, spec: dict) -> None:
    wanted = spec.get("change_requests", [])
    if not wanted or project.is_closed:
        return
    if project.change_requests.exists():
        ctx.count("projects.ChangeRequest", existing=project.change_requests.count())
        return
    pm = project.project_manager
    decider = project.sponsor or ctx.users["pmo"][0]
    for cr in wanted:
        fields = ("title", "description", "schedule_impact_days", "cost_impact", "scope_impact")
        change_request = scope_services.change_request_create(
            project=project, by=pm, data={k: cr[k] for k in fields}
        )
        raised = _past(ctx, _on(project, cr["raised"]), 9)
        ChangeRequest.objects.filter(pk=change_request.pk).update(created_at=raised)
        change_request.refresh_from_db()
        if cr["decision"] is None:
            ctx.count("projects.ChangeRequest", created=1)
            continue
        change_request = scope_services.change_request_decide(
            change_request=change_request,
            by=decider,
            approve=cr["decision"] == "approve",
            note=cr["note"],
            expected_version=change_request.version,
        )
        decided_at = min(raised + datetime.timedelta(days=6), _past(ctx, ctx.today, 16))
        if cr.get("move_baseline"):
            _move_baseline(change_request, decider, decided_at)
            _start_revision_2(ctx, project, spec)
        ChangeRequest.objects.filter(pk=change_request.pk).update(decided_at=decided_at)
        ctx.count("projects.ChangeRequest", created=1)


def _move_baseline(change_request: ChangeRequest, by, when: datetime.datetime) -> None:
    """Record the approved request's new baseline.

    Written directly rather than through ``baseline_create``: that service also re-baselines
    every milestone, which would erase the slippage the milestone demo shows against the
    plan's initial baseline.
    """
    from projects.services.baselines import snapshot_plan

    project = change_request.project
    name = f"After {change_request.reference}"
    if not Baseline.objects.filter(project=project, name=name).exists():
        Baseline.objects.create(
            project=project,
            name=name,
            note=change_request.title,
            snapshot=snapshot_plan(project),
            created_by=by,
            created_at=when,
        )
    change_request.baseline_moved = True
    save_versioned(
        instance=change_request,
        expected_version=change_request.version,
        by=by,
        reason=_("Baseline moved"),
    )
