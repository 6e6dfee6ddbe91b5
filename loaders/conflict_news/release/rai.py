"""What croissant.json says under Croissant's responsible-AI vocabulary (the `rai:` properties).

The Hub's own generated Croissant leaves these out, so ours must carry them. The sentence on who
annotated is the card's, word for word (tests/test_croissant.py holds them together).
"""

from __future__ import annotations

WHO_ANNOTATED = (
    "Every annotation and selection decision in this corpus was made by AI language-model assistants (large "
    "language models) or by the rule-based pre-annotator; no human annotated, selected or checked any of it."
)

# Keyword arguments of mlcroissant.Metadata, by their Croissant RAI names.
RAI: dict[str, str | list[str]] = {
    "data_collection": (
        "English Wikinews articles on armed conflict, political violence, protest, coercion and peace processes "
        "(2004 to 2021, CC BY 2.5), selected from three public collections of Wikinews articles by AI language-model "
        "assistants with one written rule (every decision in sources/wikinews/candidates.jsonl); one news report of unknown licence, distributed as standoff annotation "
        "without its text; a fictional development set."
    ),
    "data_collection_type": ["Document analysis"],
    "data_preprocessing_protocol": [
        "Texts normalised to Unicode NFC with outer whitespace stripped (rule cnc-norm-1); each document's "
        "changes are stated in its metadata (source.changes)."
    ],
    "data_annotation_protocol": [
        "Annotated under annotations/GUIDELINES.md 2.0, frozen (a recorded commit) before any test document was "
        "annotated.",
        "Each test document annotated from scratch by two AI annotators working apart, each given only the text, "
        "the guidelines, the schemas, one worked example and a standalone check; both versions and a manifest of "
        "their inputs committed before an AI adjudicator settled every conflict, citing a guideline rule "
        "(adjudication/).",
        "A 20 % sample of train and validation was annotated in the same way; every other document was corrected "
        "from the rule-based pre-annotation by one AI annotator and reviewed by another (provenance.gold_kind "
        "adjudicated or reviewed).",
    ],
    "data_annotation_platform": ["JSON files checked by the conflict-news validator against the JSON Schemas"],
    "data_annotation_analysis": [
        "Agreement of the independent annotators per layer and measure, with 95 % percentile bootstrap intervals "
        "over documents, in the card (Agreement) and docs/scoring.md."
    ],
    "annotations_per_item": (
        "Test documents and a 20 % sample of train and validation: two independent annotations and an adjudication "
        "(gold_kind adjudicated); the other Wikinews documents: one correction of the pre-annotation and a review "
        "(gold_kind reviewed); the seed and the development set: one annotation and a second that was not "
        "independent (legacy)."
    ),
    "annotator_demographics": [WHO_ANNOTATED],
    "machine_annotation_tools": [
        "AI language-model assistants (annotators and adjudicator)",
        "the conflict-news rule-based pre-annotator (predictions, and the baseline in the card)",
    ],
    "data_biases": [
        "English Wikinews only: the conflicts, places and years its volunteer reporters covered.",
        "Annotators of one family of language models: their agreement may be higher than two people's would be, "
        "and errors they share are not caught by adjudication.",
    ],
    "data_limitations": [
        "Hundreds of documents, not thousands; reviewed gold (most of train) was corrected from the rules' "
        "predictions, so it may lean towards them more than gold made from scratch.",
        "Figures and quotes are claims attributed to their sources, not verified facts.",
    ],
    "data_use_cases": [
        "Training and evaluating extraction of conflict events, quotes and figures from news, and deriving event "
        "tables with the evidence behind each value; not for decisions about individuals."
    ],
    "data_social_impact": (
        "The articles report violence and name victims, suspects and officials. Extracted casualty figures or "
        "attributions used without their evidence spans can mislead; event extraction can also serve surveillance."
    ),
    "personal_sensitive_information": [
        "Names of public figures and of private people (victims, suspects, defendants, witnesses) as the published "
        "articles give them; a suspect named was not necessarily convicted. No personal data is added. Removal "
        "requests: a discussion on the Hub repository (card, Contact)."
    ],
    "data_release_maintenance_plan": [
        "Versioned releases (SemVer for data) with a changelog; removed items listed in tombstones.json; splits "
        "never change once released (docs/releases.md)."
    ],
}
