"""Releases: cutting a version, MANIFEST and verify, diffs between versions, citation, Croissant metadata.

Owns the release checks and the files a release writes (cut), the SHA-256 manifest of shipped files
(manifest), id-level diffs between corpus roots or git revisions (diff), citations rendered from
CITATION.cff (cite) and croissant.json (croissant). May import core, standoff and hf; nothing
above it.
"""
