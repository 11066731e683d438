"""The numbers a rule's values hold: what the language computes with, the application schema
admits and the engine is given.

Measured on durable-rules: it rejects JSON numbers written with an exponent (error 204), which
Python's json writes for |x| < 1e-4 and |x| >= 1e16. So magnitudes below SMALLEST are held as 0.0,
and an application's numbers stay below LARGEST (a result beyond it is unknown, never a number
the engine would refuse).
"""

from __future__ import annotations

SMALLEST = 1e-4  # below this magnitude Python writes floats with an exponent
LARGEST = 1e15   # from 1e16 on too


def held(value: float) -> float:
    """A finite number below LARGEST as the rules hold it: a magnitude below SMALLEST is 0.0."""
    return 0.0 if abs(value) < SMALLEST else value
