"""Growing the corpus: adding articles, pre-annotating them, scoring extractors, synthetic stress corpora.

Owns `add` (ingest), pre-annotation (preannotate: the extractor protocol and the rule-based
extractor, with its lexicon, figure and quote finders in lexicon, figures and quotes), the scorer of
predicted against gold annotations (evaluate), agreement between two annotators' files (agreement)
and the fictional stress-corpus generator (synthetic). May import core only.
"""
