"""Label Studio: the labeling interface, tasks out, exports back in, and agreement between annotators.

Owns the labeling config generated from the taxonomy and the region-id scheme (config), annotation
files to tasks (tasks), an export's results to checked regions and then to our four layers (regions,
rebuild), the streaming, all-or-nothing import (importer), items compared across versions for
corrections and per-item provenance (items), adjudication of double annotation (adjudicate), push
and pull through a running server (sync) and an export's annotations read as versions for core's
agreement measures (agreement). May import core only; the SDK (`labelstudio` extra) is imported by
sync alone, when it runs.
"""
