"""Rule-based eligibility and materials checker for government-service matters (事项).

Matters are YAML rule sets; durable-rules evaluates them against an application; the result is
the one-time notice (一次性告知书) that 行政许可法 art. 32 requires.
"""

__version__ = "0.1.0"
