"""Event records: one ACLED/UCDP-style row per event, derived from a document's annotations.

Owns which events become records and how their mentions group (clusters), the counting rule that
turns linked figures and singular victims into best/low/high counts (counts), dates resolved from
an event's time and the document's date (dates), places resolved to GeoNames (places), the rows
themselves (derive) and the scoring of predicted records against gold ones (score). The rules are
documented in docs/records.md. May import core; nothing above it.
"""
