"""Guides and FAQ rewritten (issue 16): numbered steps that each name a real control, quiz
answers explained, one glossary. Rows staff have edited since 0002 seeded them are kept.

The drawn screen pictures of 0002 are dropped: they showed screens and buttons the portal does
not have ("Klaim JHT", "Pesan", "Lihat rincian"), in Indonesian on the English pages too."""

import importlib

from django.db import migrations

from ._guides_2026_12 import FAQS, GUIDES, NEW_FAQS

FIRST = importlib.import_module("news.migrations.0002_seed_guides_and_faq")


def _untouched(guide, steps, questions, original) -> bool:
    """Still exactly as 0002 seeded it: the same step texts and the same questions."""
    *_head, original_steps, original_questions = original
    return [(s.text, s.text_en) for s in steps] == [tuple(s) for s in original_steps] and [
        (q.text, q.text_en) for q in questions
    ] == [(q[0], q[1]) for q in original_questions]


def rewrite(apps, schema_editor):
    Guide = apps.get_model("news", "Guide")
    GuideStep = apps.get_model("news", "GuideStep")
    QuizQuestion = apps.get_model("news", "QuizQuestion")
    QuizChoice = apps.get_model("news", "QuizChoice")
    Faq = apps.get_model("news", "Faq")
    originals = {row[0]: row[3:] for row in FIRST.GUIDES}
    for guide in Guide.objects.filter(slug__in=GUIDES):
        steps = list(GuideStep.objects.filter(guide=guide).order_by("number"))
        questions = list(QuizQuestion.objects.filter(guide=guide).order_by("number"))
        if not _untouched(guide, steps, questions, originals[guide.slug]):
            continue
        title, title_en, summary, summary_en, new_steps, new_questions = GUIDES[guide.slug]
        guide.title, guide.title_en = title, title_en
        guide.summary, guide.summary_en = summary, summary_en
        guide.save(update_fields=["title", "title_en", "summary", "summary_en"])
        GuideStep.objects.filter(guide=guide).delete()
        QuizQuestion.objects.filter(guide=guide).delete()
        for number, (text, text_en, page, control, control_en) in enumerate(new_steps, start=1):
            GuideStep.objects.create(
                guide=guide, number=number, text=text, text_en=text_en, page=page,
                control=control, control_en=control_en,
            )  # fmt: skip
        for number, (text, text_en, why, why_en, answers) in enumerate(new_questions, start=1):
            question = QuizQuestion.objects.create(
                guide=guide, number=number, text=text, text_en=text_en,
                explanation=why, explanation_en=why_en,
            )  # fmt: skip
            for index, (answer, answer_en, correct) in enumerate(answers):
                # Rotate so the right answer is not always the first one shown.
                QuizChoice.objects.create(
                    question=question, text=answer, text_en=answer_en, is_correct=correct,
                    order=(index + number) % len(answers),
                )  # fmt: skip
    first_answers = {row[0]: row[2] for row in FIRST.FAQS}
    for faq in Faq.objects.filter(question__in=FAQS):
        if faq.answer != first_answers[faq.question]:
            continue  # edited by staff
        question, question_en, answer, answer_en, page, control, control_en = FAQS[faq.question]
        Faq.objects.filter(pk=faq.pk).update(
            question=question, question_en=question_en, answer=answer, answer_en=answer_en,
            page=page, control=control, control_en=control_en,
        )  # fmt: skip
    order = Faq.objects.count()
    for question, question_en, answer, answer_en, page, control, control_en in NEW_FAQS:
        order += 1
        Faq.objects.get_or_create(
            question=question,
            defaults={"question_en": question_en, "answer": answer, "answer_en": answer_en,
                      "page": page, "control": control, "control_en": control_en,
                      "order": order},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("news", "0003_guide_controls_quiz_explanations")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
