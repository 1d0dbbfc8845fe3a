from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and guides")

    def ready(self):
        from participants.page_cache import pages_follow_model

        from . import maintenance  # noqa: F401 - connects the cache-clearing signals
        from .models import Article, ArticleCategory
        from .selectors import NEWS_PAGES

        # The news list and articles are cached for everyone, in every language: an article or
        # category saved (published, edited, scheduled) or deleted drops them all.
        pages_follow_model(Article, None, scope=NEWS_PAGES)
        pages_follow_model(ArticleCategory, None, scope=NEWS_PAGES)
