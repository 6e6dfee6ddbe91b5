"""The core: the corpus on disk and in memory, and the validator that guards it.

Owns the frozen model (model), reading and atomic writing of a corpus root (store, load, paths), the
write lock and multi-file transactions (txn), the bounds on input (limits), the closed sets of
option values and their one check (options), the guard every optional import goes through (extras), the
JSON Schemas, the taxonomy and the guidelines' version (schemas, taxonomy, guidelines), every validation check and its coded issues
(validate, checks, errors), text normalisation and number reading (textnorm, numbers), the date a command records (clock), split and
distribution rules (splits, distribution), the ordered process pool (pool), the plain-text views of
a corpus (render, stats), two annotators' versions of a document aligned (versions), the
agreement between them (agreement) and the line naming each item they differ on (conflicts), and articles as received, text or HTML, with the metadata they
state (articles). May import no other subpackage: only the standard library, the base dependencies
and `conflict_news.__about__`.
"""
