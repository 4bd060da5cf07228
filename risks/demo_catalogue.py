"""What the demo registers hold: per curated project (by name), per program and portfolio
(by code), and each demo portfolio's risk appetite. See ``risks.demo_spec`` for the format."""

from risks.demo_digital import REGISTERS as DIGITAL
from risks.demo_ops import REGISTERS as OPS
from risks.demo_spec import (
    ASSESSED,
    ESCALATE,
    EXPLOIT,
    IDENTIFIED,
    MITIGATE,
    MONITORING,
    RESPONDING,
    TRANSFER,
    O,
    R,
)

PROJECT_REGISTERS = {**DIGITAL, **OPS}

# Portfolio code -> (highest accepted score, appetite statement).
PORTFOLIO_APPETITE = {
    "DIGITAL": (
        12,
        "Digital initiatives may take technical and adoption risks up to a high score of 12 "
        "to learn fast; anything above goes to the program manager, or to the portfolio "
        "owner for projects outside a program. Personal data risks are never accepted above "
        "medium.",
    ),
    "OPS": (
        15,
        "Operations accepts risks up to 15 where a tested fallback exists; finance "
        "close, payments and data-centre availability above that are escalated to the "
        "program manager at once.",
    ),
}

# Program or portfolio code -> the risks of its own register.
PROGRAM_REGISTERS = {
    "DIG-CX": {
        "risks": [
            R(
                "Identity platform delays hold up both customer projects",
                "technical",
                3,
                4,
                RESPONDING,
                "pm",
                when=0.2,
                cause="The portal and the field-service app both depend on the new identity "
                "platform.",
                event="The platform's next release slips again.",
                effect="Both projects slip together and the customer journey launch is split.",
                strategy=MITIGATE,
                response="One integration team for both projects; the platform roadmap "
                "reviewed monthly at program level.",
                contingency="Launch both with the old directory login and add single sign-on in a joint release.",
                actions=[("Monthly platform roadmap review", "pm", 20, None)],
            ),
            O(
                "One customer notification centre",
                "scope",
                3,
                3,
                ASSESSED,
                "pm",
                when=0.6,
                cause="Both projects build customer notifications.",
                event="The program funds one shared service.",
                effect="Lower cost and one experience for customers.",
            ),
        ],
    },
    "DIG-DATA": {
        "risks": [
            R(
                "No data owners for shared definitions",
                "stakeholder",
                4,
                3,
                RESPONDING,
                "pm2",
                when=0.1,
                cause="Nobody in the business owns customer or cost-centre data.",
                event="Disputes about definitions have no one to decide them.",
                effect="The warehouse and the dashboards stall on every disagreement.",
                strategy=ESCALATE,
                response="The sponsor names data owners through the data governance board.",
                contingency="The sponsor decides disputed definitions until owners are named.",
                actions=[("Data owner nominations by the sponsor", "pm2", 30, None)],
            ),
            R(
                "Data platform skills shortage",
                "resource",
                3,
                3,
                MONITORING,
                "pm2",
                when=0.3,
                cause="Only two permanent staff know the warehouse platform.",
                event="Both data projects need them at the same time.",
                effect="One project waits.",
                strategy=MITIGATE,
                response="Training for two developers from the applications team.",
                actions=[("Platform training for two developers", "pm2", 40, 18)],
            ),
        ],
    },
    "OPS-ERP": {
        "risks": [
            R(
                "ERP vendor changes its support model",
                "supplier",
                2,
                4,
                MONITORING,
                "pm3",
                when=0.15,
                cause="The vendor is moving customers to a subscription model.",
                event="On-premise support ends earlier than our roadmap assumes.",
                effect="Forced upgrade projects and higher running costs.",
                strategy=TRANSFER,
                response="Support terms fixed until the end of the programme in the contract "
                "renewal.",
                actions=[("Contract renewal with fixed support terms", "pm3", 30, None)],
            ),
            R(
                "Finance staff capacity over the programme",
                "resource",
                4,
                3,
                RESPONDING,
                "pm3",
                when=0.4,
                cause="Every ERP project needs the same finance key users.",
                event="Two projects need them in the same close cycle.",
                effect="Testing and closes both suffer.",
                strategy=MITIGATE,
                response="Programme-level key user calendar and a pool of temporary accountants.",
                contingency="Delay the later project's testing by one close cycle.",
                actions=[("Programme key user calendar", "pm3", 15, None)],
            ),
        ],
    },
    "OPS-INFRA": {
        "risks": [
            R(
                "Maintenance windows oversubscribed",
                "schedule",
                4,
                3,
                RESPONDING,
                "pm4",
                when=0.3,
                cause="Network refresh, disaster recovery tests and cloud changes all need the "
                "monthly window.",
                event="Two projects need the same window.",
                effect="One waits a month.",
                strategy=MITIGATE,
                response="One window calendar for the program, booked a quarter ahead.",
                contingency="Extra window on a Sunday with the CIO's approval.",
                actions=[("Program window calendar", "pm4", 14, None)],
            ),
            R(
                "Data-centre power upgrade",
                "external",
                2,
                4,
                ASSESSED,
                "pm4",
                when=0.7,
                cause="The landlord plans a power upgrade at site A.",
                event="Site A runs on generators for a weekend.",
                effect="Cut-overs and tests cannot use that weekend.",
            ),
        ],
    },
    "DIGITAL": {
        "risks": [
            R(
                "Digital skills shortage across the portfolio",
                "resource",
                4,
                4,
                RESPONDING,
                "pmo",
                when=0.1,
                cause="Four digital projects compete for the same mobile and integration "
                "developers.",
                event="Projects cannot staff their build phases.",
                effect="Delivery dates across the portfolio slip.",
                strategy=MITIGATE,
                response="Framework contract with two development partners; quarterly "
                "capacity planning with the resource manager.",
                contingency="Re-sequence the portfolio: pause the lowest-priority digital project.",
                fallback="Buy the mobile build as a fixed-price package from a partner.",
                actions=[
                    ("Framework contract with two partners", "pmo", 45, 80),
                    ("Quarterly capacity review", "resources", 30, None),
                ],
            ),
            R(
                "New personal data rules",
                "legal",
                3,
                4,
                MONITORING,
                "pmo",
                when=0.4,
                cause="New implementing rules for personal information are expected.",
                event="Projects must change consent and storage designs.",
                effect="Rework in the portal, the app and the warehouse.",
                strategy=MITIGATE,
                response="Legal monitors the drafts; privacy by design checked at every gate.",
                actions=[("Privacy check added to the gate criteria", "pmo", 20, None)],
            ),
        ],
    },
    "OPS": {
        "risks": [
            R(
                "Budget freeze next financial year",
                "cost",
                3,
                4,
                ASSESSED,
                "pmo2",
                when=0.6,
                cause="Group finance signalled cost pressure.",
                event="Discretionary project budgets are frozen.",
                effect="Projects in planning stop; running ones are re-scoped.",
            ),
            O(
                "Shared vendor negotiations across the portfolio",
                "cost",
                3,
                3,
                RESPONDING,
                "pmo2",
                when=0.3,
                cause="Several projects buy from the same hardware and cloud vendors.",
                event="The portfolio negotiates once for all.",
                effect="Better prices for every project.",
                strategy=EXPLOIT,
                response="Portfolio-level vendor reviews twice a year.",
                actions=[("First portfolio vendor review", "pmo2", 30, None)],
            ),
            R(
                "Operations teams cannot absorb all go-lives",
                "stakeholder",
                3,
                3,
                IDENTIFIED,
                "pmo2",
                when="recent",
                cause="ERP, ITSM and the network refresh go live within a quarter.",
                event="Operations cannot take over three systems at once.",
                effect="Handovers are weak and incidents rise.",
            ),
        ],
    },
}
