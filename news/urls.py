from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("news/", views.article_list, name="article_list"),
    path("news/feed/rss/", feeds.ArticlesRssFeed(), name="feed_rss"),
    path("news/feed/atom/", feeds.ArticlesAtomFeed(), name="feed_atom"),
    path("news/<slug:slug>/", views.article_detail, name="article_detail"),
    path("news/<slug:slug>/cover/", views.article_cover, name="article_cover"),
    path("guides/", views.guide_list, name="guide_list"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("faq/", views.faq, name="faq"),
    path("search/", views.site_search, name="search"),
]
