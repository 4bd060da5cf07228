"""Demo methodology library: the PMO handbook pages, standards and templates.

The pages follow the duties of a project office: plan with SMART objectives, scope,
schedule and budget; coordinate resources; manage risks; measure performance; communicate
with stakeholders; close and learn. Template files are attached only when ``MEDIA_ROOT`` is
configured, so seeding never writes files into the working directory.
"""

from django.conf import settings
from django.core.files.base import ContentFile

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned, save_versioned
from projects.models import MethodDocument, Stage

Kind = MethodDocument.Kind

SMART = """\
Every project objective in the charter must be **SMART**. The charter form checks the
mechanics (a metric, a target and a date); this page is about writing objectives people
can act on.

## The five letters

| Letter | Question to ask | Weak | Strong |
|:--|:--|:--|:--|
| **S**pecific | What exactly changes, for whom? | "Improve the portal" | "Customers raise service requests on the portal" |
| **M**easurable | Which number shows it? | "More self-service" | "Share of requests raised online" |
| **A**chievable | Can this team do it with this budget? | "100 % online" | "60 % online" |
| **R**elevant | Which strategic goal does it serve? | — | "Digital strategy goal 2: lower cost to serve" |
| **T**ime-bound | By when? | "Soon" | "Six months after go-live" |

## Baseline and target

A measurable objective needs **two** numbers: where we are today (baseline) and where we
want to be (target). Without the baseline nobody can tell whether the project moved
anything. Measure the baseline before the initiation gate.

## Checklist

1. One outcome per objective; split "faster and cheaper" into two.
2. Name an **owner** who will still be around when the result can be measured.
3. Prefer outcome metrics (requests served online) to activity metrics (pages built).
4. Agree the data source for the metric now, not at the post-project review.
5. Three to five objectives per project are plenty.
"""

CHARTER_TEMPLATE = """\
Use this template to draft the charter before entering it in the **Charter** tab. The
sponsor approves the charter there; the approved revision is frozen and later edits
create a new revision.

## Sections

1. **Business case** — the problem, the options considered, costs and expected benefits.
2. **Objectives** — SMART, each with metric, baseline, target, owner and due date
   (see [Writing SMART objectives](/methodology/writing-smart-objectives/)).
3. **Scope** — in scope and out of scope, prioritised with MoSCoW.
4. **Assumptions and constraints** — what we take for granted, what limits us.
5. **Success criteria** — how the sponsor will judge the project at closure.
6. **Governance** — sponsor, project manager, steering group, reporting rhythm.

The attached file is the same outline as a Markdown document to fill in.
"""

CHARTER_FILE = """\
# Project charter: <project name>

## Business case
<The problem, options considered, costs and benefits.>

## Objectives
| Outcome | Metric | Baseline | Target | Owner | Due |
|---|---|---|---|---|---|
|  |  |  |  |  |  |

## Scope
In scope:
- Must:
- Should:

Out of scope:
-

## Assumptions
-

## Constraints
-

## Success criteria
-

## Governance
Sponsor:            Project manager:
Steering group:     Reporting: weekly status report, monthly steering meeting
"""

GATE_STANDARD = """\
Projects move through five stages: **initiation, planning, execution, monitoring and
control, closing**. A project leaves a stage only through a **gate review**.

## How a gate review works

1. The project manager opens the review on the project's **Stage gates** tab when the
   stage's work is done. The review copies the PMO checklist for that stage.
2. Reviewers record each criterion as *met* (with a pointer to the evidence) or *not met*.
3. The **sponsor** (or PMO staff) decides:
    - **Go** — every criterion is met; the project moves to the next stage.
    - **Hold** — stay in the stage and close the gaps; open a new review later.
    - **Recycle** — the stage's work must be redone (for example a new business case).
    - **Stop** — the project is cancelled.
4. A decided review is a record and cannot be changed.

## Evidence

"Met" means someone else can find the proof: a document location, an approval in the
system, minutes of a meeting. "We discussed it" is not evidence.

## The checklists

PMO staff maintain the checklist of each gate. Ask the PMO to add a criterion when a
lesson learned shows a gap; a rewording never changes reviews already held.
"""

SCHEDULE_GUIDE = """\
A schedule everyone can follow answers three questions: *what* is to be done, *who* does
it and *when*.

## Build the work breakdown structure

- Start from the deliverables in the scope, not from a list of activities.
- Break each deliverable into phases and tasks until a task is **one owner, one to ten
  working days**.
- Number the outline (1, 1.1, 1.1.2) so people can refer to tasks in meetings.

## Link the tasks

Use finish-to-start links by default; use start-to-start or finish-to-finish with a lag
only when the work really overlaps. The scheduler computes the **critical path**: tasks
with no float. Review it with the team — those tasks get the best people.

## Milestones

Put a milestone at each decision point and at each handover to another team. Every
milestone has an owner and linked deliverables.

## Baseline

When the sponsor approves the plan at the planning gate, **save a baseline**. From then on
the forecast dates move and the baseline stays, so slippage is visible in days.
"""

BUDGET_STANDARD = """\
The budget must cover **everything** the project will spend, so that it is financially
feasible before the planning gate.

## Categories

| Category | Includes |
|:--|:--|
| Personnel | internal staff time at standard cost rates, contractors |
| Materials | consumables, licences bought for the project |
| Equipment | hardware, tools, test devices |
| Services | external services, consultancy, hosting |
| Travel | travel and accommodation for the project |
| Contingency | a reserve for identified risks, typically 5–10 % |
| Other | anything else, explained in the line description |

## Rules

1. Plan **by month** and by category, in the project's currency.
2. Record **committed** amounts when an order is placed and **actual** amounts when the
   invoice is booked.
3. Amounts are never negative; a refund is a correction of the actual amount.
4. The status report flags cost **amber** when actuals run more than 5 % above plan and
   **red** above 10 %: explain the variance before the sponsor asks.
"""

RISK_TEMPLATE = """\
Risks are managed in four steps, reviewed at least monthly:

1. **Identify** — brainstorm with the team, interview experts, read the lessons learned of
   similar projects.
2. **Analyse** — score probability and impact from 1 to 5; the score is their product.
3. **Respond** — choose a response for each risk:
    - *avoid* (change the plan so the risk cannot happen),
    - *transfer* (contract or insure it),
    - *mitigate* (reduce probability or impact),
    - *accept* (and keep a contingency).
4. **Monitor** — review scores and responses, close risks that passed, add new ones.

Every risk with a score of 12 or more has an owner and a dated action. The attached CSV is
the register layout to start with.
"""

RISK_FILE = (
    "ID,Risk,Cause,Effect,Probability (1-5),Impact (1-5),Score,Owner,Response,Action,Due,Status\n"
    "R01,Key supplier delivers late,Single source for the switches,Go-live slips,3,4,12,"
    "Project manager,Mitigate,Agree a second supplier for critical parts,,Open\n"
)

STATUS_GUIDE = """\
Each active project submits a **weekly status report** covering the last full week,
Monday to Sunday. The report is prefilled from the plan; the project manager checks the
ratings and writes the narrative.

## The ratings (RAG)

| Rating | Suggested when |
|:--|:--|
| Schedule | **red** if a milestone was missed; **amber** if one is late or at risk |
| Cost | **red** if actuals exceed plan by more than 10 %; **amber** above 5 % |
| Scope | **amber** if a deliverable is overdue or a change request awaits a decision |
| Quality | **amber** if a deliverable was rejected at acceptance |
| Risks | carried over from the last report; set it from the risk register |
| Overall | the worst of the above, unless you explain otherwise |

The suggestions are a starting point: you know the project. When the overall rating is
amber or red, **say why** in one or two sentences — that text becomes the project's
health reason on every dashboard.

## The narrative

- **Achievements**: what was finished, not what was worked on.
- **Next steps**: the concrete goals of the coming week.
- **Blockers**: what stops the team, and who can remove it.
- **Decisions needed**: what you need from the sponsor, and by when.

Once submitted, a report cannot be changed; correct a mistake in the next report.
"""

STAKEHOLDER_GUIDE = """\
A project succeeds when the people it affects support it. Manage stakeholders on purpose.

## Map them

List everyone affected or able to influence the project. For each, note their interest,
their influence, and what they expect. Keep those with high influence **closely
involved**; keep those with high interest **informed**.

## Communication plan

| Audience | What | How often | Channel | Owner |
|:--|:--|:--|:--|:--|
| Sponsor | status report, decisions needed | weekly | report + 15-minute call | PM |
| Steering group | progress, risks, budget | monthly | meeting | PM |
| Team | plan, priorities, blockers | weekly | stand-up | team lead |
| Users | changes coming, training | per milestone | newsletter, sessions | change lead |

## Feedback

Ask for feedback at each milestone and record the actions taken. Conflicts between
stakeholders go to the sponsor with options, not to the team.
"""

CLOSURE_GUIDE = """\
Closing is a stage of its own: the project hands over, releases its people and records
what the organisation should learn.

## Close the work

1. Confirm every deliverable is **accepted** by its owner.
2. Hand over support to operations: runbooks, contacts, open issues.
3. Reconcile final costs with finance; close purchase orders and contracts.
4. Release team members and equipment back to their pools.

## Learn

Hold the **post-project review** within a month of go-live:

- Compare results with each SMART objective's target.
- What went well and should become standard practice?
- What went wrong, and which checklist or template would have caught it?

Record lessons learned in the knowledge base and send improvement suggestions for the
handbook to the PMO.
"""

RESOURCE_DRAFT = """\
Draft — under review by the PMO and the resource managers.

1. Raise resource requests at the planning stage, at least four weeks before the need.
2. State the skill, the effort per week and the period.
3. The resource manager confirms or proposes an alternative within five working days.
"""

# (slug, title, kind, stage, summary, body, published, attachment (name, bytes) or None)
DOCUMENTS = [
    (
        "writing-smart-objectives",
        "Writing SMART objectives",
        Kind.HANDBOOK,
        Stage.INITIATION,
        "How to turn a goal into an objective with a metric, baseline, target, owner and date.",
        SMART,
        True,
        None,
    ),
    (
        "project-charter-template",
        "Project charter template",
        Kind.TEMPLATE,
        Stage.INITIATION,
        "The outline of a charter: business case, objectives, scope, assumptions, governance.",
        CHARTER_TEMPLATE,
        True,
        ("project-charter-template.md", CHARTER_FILE.encode()),
    ),
    (
        "stage-gate-checklist",
        "Stage gate reviews",
        Kind.STANDARD,
        "",
        "How projects move between stages: checklists, evidence and the sponsor's decision.",
        GATE_STANDARD,
        True,
        None,
    ),
    (
        "schedule-milestones-baseline",
        "Building the schedule: WBS, milestones and baseline",
        Kind.HANDBOOK,
        Stage.PLANNING,
        "From deliverables to tasks, links, the critical path and an approved baseline.",
        SCHEDULE_GUIDE,
        True,
        None,
    ),
    (
        "budget-planning-standard",
        "Budget planning standard",
        Kind.STANDARD,
        Stage.PLANNING,
        "Budget categories (personnel, materials, equipment…), monthly plans and variances.",
        BUDGET_STANDARD,
        True,
        None,
    ),
    (
        "risk-register-template",
        "Risk register template",
        Kind.TEMPLATE,
        Stage.PLANNING,
        "Identify, analyse, respond, monitor; with the register layout as a CSV file.",
        RISK_TEMPLATE,
        True,
        ("risk-register-template.csv", RISK_FILE.encode()),
    ),
    (
        "status-report-guide",
        "Status report guide",
        Kind.HANDBOOK,
        Stage.EXECUTION,
        "Weekly reports: what the RAG ratings mean and how to write the narrative.",
        STATUS_GUIDE,
        True,
        None,
    ),
    (
        "stakeholder-engagement",
        "Stakeholder engagement and communication plan",
        Kind.HANDBOOK,
        Stage.MONITORING,
        "Map stakeholders, plan who hears what and when, and act on their feedback.",
        STAKEHOLDER_GUIDE,
        True,
        None,
    ),
    (
        "project-closure-lessons-learned",
        "Project closure and lessons learned",
        Kind.HANDBOOK,
        Stage.CLOSING,
        "Hand over, reconcile, release resources and hold the post-project review.",
        CLOSURE_GUIDE,
        True,
        None,
    ),
    (
        "resource-request-procedure",
        "Resource request procedure",
        Kind.STANDARD,
        Stage.PLANNING,
        "How project managers ask resource managers for people and equipment.",
        RESOURCE_DRAFT,
        False,
        None,
    ),
]


def seed(ctx: DemoContext, projects: list) -> None:
    """Create the library's documents that do not exist yet (looked up by address)."""
    author = ctx.users["pmo"][0]
    existing = set(
        MethodDocument.objects.filter(slug__in=[d[0] for d in DOCUMENTS]).values_list(
            "slug", flat=True
        )
    )
    for slug, title, kind, stage, summary, body, published, attachment in DOCUMENTS:
        if slug in existing:
            ctx.count("projects.MethodDocument", existing=1)
            continue
        document = MethodDocument(
            slug=slug, title=title, kind=kind, stage=stage, summary=summary, body=body
        )
        if attachment is not None and settings.MEDIA_ROOT:
            name, content = attachment
            document.attachment.save(name, ContentFile(content), save=False)
        create_versioned(instance=document, by=author, reason="Document created")
        if published:
            document.is_published = True
            save_versioned(
                instance=document, expected_version=document.version, by=author, reason="Published"
            )
        ctx.count("projects.MethodDocument", created=1)
