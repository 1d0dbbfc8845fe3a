from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Article,
    ArticleCategory,
    Faq,
    Guide,
    GuideStep,
    MaintenanceWindow,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)
from .services import articles_unpublish


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "publish_at", "unpublish_at", "is_visible"]
    list_filter = ["category"]
    search_fields = ["title", "title_en"]
    list_select_related = ["category"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    readonly_fields = ["author", "created_at", "updated_at"]
    actions = ["unpublish_now"]

    @admin.display(boolean=True, description=_("visible now"))
    def is_visible(self, obj):
        now = timezone.now()
        return bool(obj.publish_at and obj.publish_at <= now) and (
            obj.unpublish_at is None or obj.unpublish_at > now
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Unpublish the selected articles now"))
    def unpublish_now(self, request, queryset):
        articles_unpublish(articles=queryset)


class GuideStepInline(admin.StackedInline):
    model = GuideStep
    extra = 0


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    extra = 0
    show_change_link = True


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "task", "order", "is_published"]
    list_editable = ["order", "is_published"]
    inlines = [GuideStepInline, QuizQuestionInline]


class QuizChoiceInline(admin.TabularInline):
    model = QuizChoice
    extra = 0


@admin.register(QuizQuestion)
class QuizQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "guide", "number"]
    list_filter = ["guide"]
    inlines = [QuizChoiceInline]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "guide", "score", "total"]
    list_filter = ["guide"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin):
    list_display = ["question", "order", "is_published"]
    list_editable = ["order", "is_published"]
    search_fields = ["question", "question_en"]


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "announce_from", "message", "created_by"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
