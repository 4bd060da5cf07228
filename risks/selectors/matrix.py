"""The organisation's matrix as plain data (two queries), for scoring and drawing."""

from risks import scoring
from risks.models import Axis, MatrixLevel, ScoreBand


def load_matrix() -> scoring.MatrixSpec:
    levels = {Axis.PROBABILITY: [], Axis.IMPACT: []}
    for level in MatrixLevel.objects.order_by("axis", "value"):
        levels[level.axis].append(
            scoring.Level(
                value=level.value,
                label=level.label,
                description=level.description,
                probability_midpoint=level.probability_midpoint,
            )
        )
    bands = tuple(
        scoring.Band(
            code=b.code,
            label=b.label,
            min_score=b.min_score,
            max_score=b.max_score,
            colour=b.colour,
            review_every_days=b.review_every_days,
        )
        for b in ScoreBand.objects.order_by("min_score")
    )
    return scoring.MatrixSpec(
        probability=tuple(levels[Axis.PROBABILITY]),
        impact=tuple(levels[Axis.IMPACT]),
        bands=bands,
    )
