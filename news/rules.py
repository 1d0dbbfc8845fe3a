"""Pure rules for guides: grading a quiz."""

from collections.abc import Mapping


def quiz_score(*, answers: Mapping[int, int | None], correct: Mapping[int, int]) -> int:
    """How many questions (id -> correct choice id) the answers (id -> chosen id) got right."""
    return sum(1 for question, choice in correct.items() if answers.get(question) == choice)
