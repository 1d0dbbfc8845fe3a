from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .selectors import articles_published

FEED_SIZE = 20


class ArticlesRssFeed(Feed):
    title = _("JMO Portal news")
    description = _("News and notices for BPJS Ketenagakerjaan participants.")
    link = reverse_lazy("news:article_list")

    def items(self):
        return articles_published()[:FEED_SIZE]

    def item_title(self, item):
        return item.localized("title", get_language())

    def item_description(self, item):
        return item.localized("summary", get_language())

    def item_link(self, item):
        return reverse("news:article_detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.localized("name", get_language())]


class ArticlesAtomFeed(ArticlesRssFeed):
    feed_type = Atom1Feed
    subtitle = ArticlesRssFeed.description
