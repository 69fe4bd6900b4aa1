"""Synthetic extracts in the real landing formats, deterministic from a seed and a scale factor.

No real microdata is public, so the warehouse is built and tested on synthetic Denmark: a
population (FOLK1A), survey respondents (Sundhedsprofilen) whose answers are drawn from a known
true prevalence per municipality × sex × age band × year, and a record of those true values so
tests can check that the pipeline recovers them. Everything written is labelled synthetic.
"""

from synthetic.extracts import GeneratedExtracts, generate_extracts

__all__ = ["GeneratedExtracts", "generate_extracts"]
