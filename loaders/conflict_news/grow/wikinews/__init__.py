"""Importing openly licensed English Wikinews articles from public source files into corpus documents.

Owns the readers of the three sources (sbd: a JSONL subset of PrimerAI's WikiNews-multilingual;
vat: yearly CSV scrapes; amalgum: AMALGUM's tokenised GUM-style XML), the normalisation each source
needs (said in every document's `source.changes`), and the import of the candidates a person kept
(sources/wikinews/candidates.jsonl) into documents with attribution, story key and frozen split.
May import core only (it is part of grow).
"""
