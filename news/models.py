import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from core.models import BaseModel

COVER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
COVER_MAX_BYTES = 2 * 1024 * 1024
COVER_MAX_SIDE = 4000


def validate_cover(file):
    """A cover is a real JPEG, PNG or WebP image of sensible size (checked by Pillow)."""
    if file.size > COVER_MAX_BYTES:
        raise ValidationError(
            _("The cover image is larger than 2 MB. Save it smaller (e.g. 1200 pixels wide)."),
            code="cover_size",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            _("The cover file is not a readable image. Upload a JPEG, PNG or WebP picture."),
            code="cover_unreadable",
        ) from exc
    finally:
        file.seek(0)
    if image_format not in COVER_FORMATS:
        raise ValidationError(
            _("The cover image must be a JPEG, PNG or WebP picture."), code="cover_format"
        )
    if max(width, height) > COVER_MAX_SIDE:
        raise ValidationError(
            _("The cover image is wider or taller than 4000 pixels. Make it smaller."),
            code="cover_dimensions",
        )


def cover_upload_to(instance, filename):
    """A generated name: the uploader's file name never reaches the disk."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    suffix = suffix if suffix in {"jpg", "jpeg", "png", "webp"} else "img"
    return f"news/covers/{uuid.uuid4().hex}.{suffix}"


class Translated(models.Model):
    """Rows written in Bahasa Indonesia with an English version in `<field>_en`."""

    class Meta:
        abstract = True

    def localized(self, field: str, language: str) -> str:
        if language == "en":
            return getattr(self, f"{field}_en", "") or getattr(self, field)
        return getattr(self, field)


class ArticleCategory(Translated):
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now):
        return self.filter(publish_at__lte=now).filter(
            models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now)
        )


class Article(BaseModel, Translated):
    """News (berita). Visible from `publish_at` until `unpublish_at`; no publish time is a draft."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("article category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary (Indonesian)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body = models.TextField(
        _("text (Indonesian)"), help_text=_("Plain text; blank lines split paragraphs.")
    )
    body_en = models.TextField(_("text (English)"), blank=True)
    cover = models.ImageField(
        _("cover image"),
        upload_to=cover_upload_to,
        blank=True,
        validators=[validate_cover],
        help_text=_("JPEG, PNG or WebP, at most 2 MB. Shown only while the article is published."),
    )
    cover_alt = models.CharField(_("cover description (Indonesian)"), max_length=200, blank=True)
    cover_alt_en = models.CharField(_("cover description (English)"), max_length=200, blank=True)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Empty: a draft nobody sees.")
    )
    unpublish_at = models.DateTimeField(_("unpublish at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["-publish_at"], name="article_publish_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(publish_at__isnull=False, unpublish_at__gt=models.F("publish_at")),
                name="article_unpublish_after_publish",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.unpublish_at and (not self.publish_at or self.unpublish_at <= self.publish_at):
            raise ValidationError(
                {"unpublish_at": _("The unpublish time must come after the publish time.")}
            )


class Guide(BaseModel, Translated):
    """A step-by-step guide (panduan) for one portal task, ending with a short quiz."""

    class Task(models.TextChoices):
        REGISTER = "register", _("Register")
        LINK_KPJ = "link_kpj", _("Link a KPJ card")
        CHECK_BALANCE = "check_balance", _("Check the JHT balance")
        UPDATE_DATA = "update_data", _("Update your data")
        CLAIM_JHT = "claim_jht", _("Claim JHT")
        BOOK_APPOINTMENT = "book_appointment", _("Book a branch appointment")
        COMPLAIN = "complain", _("File a complaint")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    task = models.CharField(_("task"), max_length=20, choices=Task.choices, unique=True)
    title = models.CharField(_("title (Indonesian)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    summary = models.CharField(_("summary (Indonesian)"), max_length=300)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self):
        return self.title


class GuideStep(Translated):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text (Indonesian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    image = models.CharField(
        _("picture"),
        max_length=120,
        blank=True,
        help_text=_("A picture under static/, e.g. guides/register.svg."),
    )
    image_alt = models.CharField(_("picture description (Indonesian)"), max_length=200, blank=True)
    image_alt_en = models.CharField(_("picture description (English)"), max_length=200, blank=True)
    # The one control a step names (quoted in its text), and the page it is on: a test renders
    # that page and looks for the label, so a guide cannot point at a button that is not there.
    page = models.CharField(
        _("page (URL name)"),
        max_length=80,
        blank=True,
        help_text=_(
            'The page this step happens on, as a URL name, e.g. "dashboard" or '
            '"complaints:self_help cannot_log_in". Shown as a link under the step.'
        ),
    )
    control = models.CharField(
        _("button or link named (Indonesian)"),
        max_length=120,
        blank=True,
        help_text=_("Exactly as it reads on the page, and quoted “like this” in the text."),
    )
    control_en = models.CharField(_("button or link named (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["guide", "number"]
        verbose_name = _("guide step")
        verbose_name_plural = _("guide steps")
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_step_number_unique")
        ]

    def __str__(self):
        return f"{self.guide.slug} #{self.number}"


class QuizQuestion(Translated):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.CharField(_("question (Indonesian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    explanation = models.TextField(
        _("why (Indonesian)"),
        blank=True,
        help_text=_("Shown after answering: why the answer is right."),
    )
    explanation_en = models.TextField(_("why (English)"), blank=True)

    class Meta:
        ordering = ["guide", "number"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="quiz_question_number_unique")
        ]

    def __str__(self):
        return self.text


class QuizChoice(Translated):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer (Indonesian)"), max_length=200)
    text_en = models.CharField(_("answer (English)"), max_length=200, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")

    def __str__(self):
        return self.text


class QuizAttempt(models.Model):
    """One participant's quiz score on a guide: the "knowledge level" indicator reads these."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    guide = models.ForeignKey(Guide, verbose_name=_("guide"), on_delete=models.CASCADE)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    score = models.PositiveSmallIntegerField(_("correct answers"))
    total = models.PositiveSmallIntegerField(_("questions"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["participant", "guide"], name="quiz_attempt_participant")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("total")), name="quiz_score_within_total"
            )
        ]

    def __str__(self):
        return f"{self.guide.slug}: {self.score}/{self.total}"


class Faq(BaseModel, Translated):
    question = models.CharField(_("question (Indonesian)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    answer = models.TextField(_("answer (Indonesian)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    # As on a guide step: the control the answer names, checked against the real page.
    page = models.CharField(_("page (URL name)"), max_length=80, blank=True)
    control = models.CharField(_("button or link named (Indonesian)"), max_length=120, blank=True)
    control_en = models.CharField(_("button or link named (English)"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self):
        return self.question


class MaintenanceWindow(BaseModel, Translated):
    """Planned downtime: announced on every page ahead of time, writes paused during it."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("expected end"))
    announce_from = models.DateTimeField(
        _("announce from"), help_text=_("The banner shows from this moment until the end.")
    )
    message = models.CharField(_("message (Indonesian)"), max_length=300, blank=True)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        indexes = [models.Index(fields=["ends_at"], name="maintenance_ends_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at"))
                & models.Q(announce_from__lte=models.F("starts_at")),
                name="maintenance_window_order",
            )
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M} - {self.ends_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})
        if self.starts_at and self.announce_from and self.announce_from > self.starts_at:
            raise ValidationError(
                {"announce_from": _("Announce the window before it starts, not after.")}
            )
