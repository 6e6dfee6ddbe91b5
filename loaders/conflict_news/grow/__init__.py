"""Growing the corpus: adding articles, pre-annotating them, scoring extractors, synthetic stress corpora.

Owns `add` (ingest), the rule-based pre-annotator (preannotate), the scorer of predicted against
gold annotations (evaluate) and the fictional stress-corpus generator (synthetic). May import core
only.
"""
