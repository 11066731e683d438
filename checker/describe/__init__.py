"""Describing a matter or a run to people: the guide, the flow chart, the explanation."""
