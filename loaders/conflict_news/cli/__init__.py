"""The `conflict-news` command: one module per group of verbs, each a thin layer over the library.

Verbs parse their options, call the library, print diagnostics on stderr and return 0 or 1; the
heavy modules a verb needs are imported when it runs. The CLI may import every subpackage, and no
module of the library imports it.
"""
