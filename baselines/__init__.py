"""Trained baselines for the corpus, outside the `conflict_news` package (extra `baseline`).

`baselines.crf` owns the token features, the CRF taggers and the mapping of their tags to annotation
files; `baselines.train` owns the experiment (training on `train`, selection on `validation`, the `test`
predictions, the learning curve). Both may import `conflict_news` and `datasets`; the package never
imports them.
"""
