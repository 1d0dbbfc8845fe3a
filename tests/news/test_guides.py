import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from news.models import Guide, QuizAttempt
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_portal_task_has_a_guide_in_both_languages_with_a_short_quiz():
    guides = Guide.objects.prefetch_related("steps", "questions__choices")
    assert {guide.task for guide in guides} == set(Guide.Task.values)
    for guide in guides:
        steps = list(guide.steps.all())
        assert [step.number for step in steps] == list(range(1, len(steps) + 1))
        assert len(steps) >= 4
        assert all(step.text and step.text_en and step.text != step.text_en for step in steps)
        assert guide.title_en
        assert all(finders.find(step.image) for step in steps if step.image)
        questions = list(guide.questions.all())
        assert 3 <= len(questions) <= 5
        for question in questions:
            assert question.text_en
            assert sum(choice.is_correct for choice in question.choices.all()) == 1


def test_guide_page_in_indonesian_and_english(client):
    url = reverse("news:guide_detail", args=["link-kpj"])
    indonesian = client.get(url).content.decode()
    assert "Menghubungkan kartu KPJ lain" in indonesian
    assert '<ol class="guide-steps">' in indonesian
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Link another KPJ card" in english
    assert "Tambah kartu KPJ" not in english


def _answers(guide, right):
    data = {}
    for index, question in enumerate(guide.questions.prefetch_related("choices")):
        choices = list(question.choices.all())
        correct = next(c for c in choices if c.is_correct)
        wrong = next(c for c in choices if not c.is_correct)
        data[f"q{question.pk}"] = (correct if index < right else wrong).pk
    return data


def test_quiz_score_is_stored_for_participants_only(client):
    guide = Guide.objects.get(slug="claim-jht")
    url = reverse("news:guide_detail", args=[guide.slug])

    anonymous = client.post(url, _answers(guide, right=2))
    assert anonymous.context["result"] == {"score": 2, "total": 3, "saved": False}
    assert not QuizAttempt.objects.exists()

    participant = ParticipantFactory(user=UserFactory())
    client.force_login(participant.user)
    result = client.post(url, _answers(guide, right=3)).context["result"]
    assert result == {"score": 3, "total": 3, "saved": True}
    attempt = QuizAttempt.objects.get()
    assert (attempt.participant, attempt.guide, attempt.score, attempt.total) == (
        participant,
        guide,
        3,
        3,
    )


def test_unanswered_or_tampered_answers_score_zero(client):
    guide = Guide.objects.get(slug="register")
    response = client.post(
        reverse("news:guide_detail", args=[guide.slug]), {"q1": "abc", "q999": "1"}
    )
    assert response.context["result"]["score"] == 0


def test_guide_page_query_count_is_constant(client, django_assert_num_queries):
    client.get(reverse("news:guide_list"))  # warm the maintenance cache
    # guide, steps, questions, choices
    for slug in ("register", "complain"):
        with django_assert_num_queries(4):
            client.get(reverse("news:guide_detail", args=[slug]))


def test_guide_steps_are_a_numbered_list(client):
    body = client.get(reverse("news:guide_detail", args=["claim-jht"])).content.decode()
    assert '<ol class="guide-steps">' in body
    assert body.count('<li id="step-') == Guide.objects.get(slug="claim-jht").steps.count()


def test_every_quiz_question_explains_its_answer_in_both_languages():
    for guide in Guide.objects.prefetch_related("questions"):
        for question in guide.questions.all():
            assert question.explanation
            assert question.explanation_en
            assert question.explanation != question.explanation_en


@pytest.mark.parametrize(
    ("language", "right", "wrong", "why"),
    [
        ("id", "Benar", "Belum tepat", "Aturan JHT menetapkan masa tunggu 1 bulan"),
        ("en", "Right", "Not quite", "The JHT rules set a 1-month wait"),
    ],
)
def test_quiz_keeps_the_answers_and_explains_each_one(client, language, right, wrong, why):
    client.cookies["django_language"] = language
    guide = Guide.objects.get(slug="claim-jht")
    data = _answers(guide, right=2)  # the first two right, the third wrong
    body = client.post(reverse("news:guide_detail", args=[guide.slug]), data).content.decode()
    for question_id in data.values():
        assert f'value="{question_id}" checked' in body
    assert body.count("checked>") == len(data)
    assert body.count(f'<span class="tag tag-green">{right}</span>') == 2
    assert body.count(f'<span class="tag tag-red">{wrong}</span>') == 1
    assert why in body


def test_an_unanswered_question_is_marked_and_still_explained(client):
    guide = Guide.objects.get(slug="register")
    response = client.post(reverse("news:guide_detail", args=[guide.slug]), {})
    review = response.context["review"]
    assert [item.answered for item in review] == [False, False, False]
    body = response.content.decode()
    assert body.count("Belum dijawab") == 3
    assert "checked" not in body
