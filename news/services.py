from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from participants.models import Participant
from participants.page_cache import shared_pages_changed

from . import rules
from .models import Article, Guide, QuizAttempt, QuizChoice, QuizQuestion
from .selectors import NEWS_PAGES


def quiz_grade(*, guide: Guide, answers: dict[int, int | None]) -> tuple[int, int]:
    """(correct answers, questions) for a guide whose questions and choices are prefetched."""
    questions = list(guide.questions.all())
    correct = {
        question.pk: next(choice.pk for choice in question.choices.all() if choice.is_correct)
        for question in questions
    }
    return rules.quiz_score(answers=answers, correct=correct), len(questions)


@dataclass(frozen=True)
class QuestionReview:
    """One question after answering: what was chosen, whether it was right, and why."""

    question: QuizQuestion
    choices: list[tuple[QuizChoice, bool]]  # (choice, chosen)
    answered: bool
    right: bool
    correct_choice: QuizChoice


def quiz_review(*, guide: Guide, answers: dict[int, int | None]) -> list[QuestionReview]:
    """Per question of a prefetched guide: the answers as chosen, kept for the page to show."""
    reviews = []
    for question in guide.questions.all():
        choices = list(question.choices.all())
        chosen = answers.get(question.pk)
        correct = next(choice for choice in choices if choice.is_correct)
        reviews.append(
            QuestionReview(
                question=question,
                choices=[(choice, choice.pk == chosen) for choice in choices],
                answered=any(choice.pk == chosen for choice in choices),
                right=chosen == correct.pk,
                correct_choice=correct,
            )
        )
    return reviews


@transaction.atomic
def quiz_attempt_record(
    *, guide: Guide, participant: Participant, score: int, total: int
) -> QuizAttempt:
    return QuizAttempt.objects.create(
        guide=guide, participant=participant, score=score, total=total
    )


def articles_unpublish(*, articles: QuerySet[Article]) -> int:
    """Take the articles of `articles` that show now off the site, from now on; drafts,
    scheduled and ended articles stay as they are. Returns how many were taken off."""
    now = timezone.now()
    shared_pages_changed(NEWS_PAGES)  # update() sends no signal
    return (
        articles.filter(publish_at__lte=now)
        .exclude(unpublish_at__lte=now)
        .update(unpublish_at=now, updated_at=now)
    )
