"""The matrix, bands and categories a new installation starts with (PMO staff edit them).

Used by the data migration ``0002_default_matrix`` and by the test suite, which reseeds
them after transactional tests truncate the tables.
"""

from decimal import Decimal as D

# (value, label, description, probability from %, probability to %)
PROBABILITY_LEVELS = [
    (1, "Rare", "Not expected; would be surprising", D("0"), D("10")),
    (2, "Unlikely", "Could happen, but not expected", D("10"), D("30")),
    (3, "Possible", "As likely as not", D("30"), D("50")),
    (4, "Likely", "More likely than not", D("50"), D("70")),
    (5, "Almost certain", "Expected unless something changes", D("70"), D("100")),
]

# (value, label, description, cost from, cost to, schedule days from, to)
IMPACT_LEVELS = [
    (1, "Negligible", "Absorbed within the team's tolerances", D("0"), D("10000"), 0, 5),
    (2, "Minor", "Needs a small change to plan or budget", D("10000"), D("50000"), 5, 10),
    (3, "Moderate", "Visible slip or overrun; sponsor informed", D("50000"), D("250000"), 10, 20),
    (4, "Major", "Objectives at risk; sponsor decision needed", D("250000"), D("1000000"), 20, 40),
    (5, "Severe", "Project or benefits fail", D("1000000"), None, 40, None),
]

# (code, label, min score, max score, colour, review every N days)
SCORE_BANDS = [
    ("low", "Low", 1, 4, "#198754", 90),
    ("medium", "Medium", 5, 9, "#ffc107", 30),
    ("high", "High", 10, 15, "#fd7e14", 14),
    ("critical", "Critical", 16, 25, "#dc3545", 7),
]

# (code, name, description)
CATEGORIES = [
    ("technical", "Technical", "Technology, architecture, integration, performance"),
    ("schedule", "Schedule", "Estimates, dependencies, deadlines"),
    ("cost", "Cost", "Estimates, funding, currency, inflation"),
    ("resource", "Resource", "People, skills, availability, equipment"),
    ("supplier", "Supplier", "Vendors, partners, contracts, deliveries"),
    ("legal", "Legal and compliance", "Regulation, contracts, data protection"),
    ("scope", "Scope and requirements", "Unclear or changing requirements"),
    ("stakeholder", "Stakeholder", "Support, adoption, organisational change"),
    ("quality", "Quality", "Defects, acceptance, standards"),
    ("external", "External", "Market, weather, politics, events outside our control"),
]


def create_defaults(apps, schema_editor):
    """Insert whatever of the defaults is missing; never overwrite PMO staff's edits."""
    level_model = apps.get_model("risks", "MatrixLevel")
    band_model = apps.get_model("risks", "ScoreBand")
    category_model = apps.get_model("risks", "RiskCategory")
    for value, label, description, lo, hi in PROBABILITY_LEVELS:
        level_model.objects.get_or_create(
            axis="probability",
            value=value,
            defaults={
                "label": label,
                "description": description,
                "probability_min": lo,
                "probability_max": hi,
            },
        )
    for value, label, description, cost_lo, cost_hi, days_lo, days_hi in IMPACT_LEVELS:
        level_model.objects.get_or_create(
            axis="impact",
            value=value,
            defaults={
                "label": label,
                "description": description,
                "cost_min": cost_lo,
                "cost_max": cost_hi,
                "days_min": days_lo,
                "days_max": days_hi,
            },
        )
    if not band_model.objects.exists():
        for code, label, lo, hi, colour, days in SCORE_BANDS:
            band_model.objects.create(
                code=code,
                label=label,
                min_score=lo,
                max_score=hi,
                colour=colour,
                review_every_days=days,
            )
    for position, (code, name, description) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
