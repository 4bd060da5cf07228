"""Readable references: PRJ-0042-R07 for risks, PRJ-0042-I03 for issues."""

from pmo.core.models import Sequence
from risks.registers import Register

RISK_LETTER = "R"
ISSUE_LETTER = "I"


def next_reference(register: Register, letter: str) -> tuple[int, str]:
    """The next number in this register's series and the reference built from it.

    The counter is row-locked (``Sequence.next_value``), so two people adding risks at
    the same moment never get the same reference.
    """
    number = Sequence.next_value(f"risks:{letter}:{register.kind}:{register.code}")
    return number, f"{register.code}-{letter}{number:02d}"
