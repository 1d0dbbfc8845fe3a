from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from participants.models import Participant

from . import rules
from .models import Article, Guide, QuizAttempt


def quiz_grade(*, guide: Guide, answers: dict[int, int | None]) -> tuple[int, int]:
    """(correct answers, questions) for a guide whose questions and choices are prefetched."""
    questions = list(guide.questions.all())
    correct = {
        question.pk: next(choice.pk for choice in question.choices.all() if choice.is_correct)
        for question in questions
    }
    return rules.quiz_score(answers=answers, correct=correct), len(questions)


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
    return (
        articles.filter(publish_at__lte=now)
        .exclude(unpublish_at__lte=now)
        .update(unpublish_at=now, updated_at=now)
    )
