"""The effectiveness dashboard, as the admin's page for DailySummary (so the index links it).

Branch staff with the view permission see their branch; superusers and the Management group
see every branch with a filter. Everyone else is refused (insights.access). The page and the
CSV exports read only DailySummary rows.
"""

import csv
import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.admin import ReadOnlyAdminMixin
from core.models import Branch
from core.spreadsheet import csv_cell

from . import charts
from .access import dashboard_scope
from .forms import PeriodForm, default_period
from .models import DailySummary
from .report import build_report
from .selectors import counter_day_figures, guide_titles, summaries_for_period

PRESETS = (7, 30, 90, 365)


@admin.register(DailySummary)
class DailySummaryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return dashboard_scope(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return dashboard_scope(request.user) is not None

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/<slug:table>.csv", export, name="insights_dailysummary_export"),
            *super().get_urls()[:1],  # the changelist (the dashboard); no add/change pages
        ]

    def _period(self, request):
        """(scope, form, start, end, branch id); 403 for a branch outside the user's scope."""
        scope = dashboard_scope(request.user)
        if scope is None:
            raise PermissionDenied
        if scope.all_branches:
            branches = list(Branch.objects.order_by("name"))
        else:
            branches = [Branch.objects.get(pk=scope.branch_id)]
        start, end = default_period(timezone.localdate())
        data = {
            "start": request.GET.get("start", start.isoformat()),
            "end": request.GET.get("end", end.isoformat()),
            "branch": request.GET.get("branch", "" if scope.all_branches else scope.branch_id),
        }
        form = PeriodForm(data, branches=branches, all_branches=scope.all_branches)
        valid = form.is_valid()
        branch_id = form.cleaned_data.get("branch")  # kept when only the dates are wrong
        if "branch" in form.errors or not scope.allows(branch_id):
            raise PermissionDenied
        if valid:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        return scope, form, valid, start, end, branch_id, branches

    def changelist_view(self, request, extra_context=None):
        scope, form, valid, start, end, branch_id, branches = self._period(request)
        rows = (
            summaries_for_period(
                start=start, end=end, branch_id=branch_id, all_branches=scope.all_branches
            )
            if valid
            else []
        )
        titles = guide_titles(language=translation.get_language())
        sections = build_report(rows, start=start, end=end, guide_titles=titles)
        query = request.GET.urlencode()
        for section in sections:
            for table in section.tables:
                table.svg = charts.chart(table)
                table.csv_url = reverse("admin:insights_dailysummary_export", args=[table.key]) + (
                    f"?{query}" if query else ""
                )
        today = timezone.localdate()
        last = default_period(today)[1]
        presets = [
            (days, (last - datetime.timedelta(days=days - 1)).isoformat(), last.isoformat())
            for days in PRESETS
        ]
        branch_name = next((b.name for b in branches if b.pk == branch_id), _("All branches"))
        try:
            counter_day = datetime.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            counter_day = today
        counter = (
            counter_day_figures(branch_id=branch_id, day=min(counter_day, today))
            if branch_id
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Effectiveness dashboard"),
            "form": form,
            "sections": sections,
            "start": start,
            "end": end,
            "branch_name": branch_name,
            "branch_id": branch_id,
            "presets": presets,
            "counter": counter,
            "today": today,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/insights/dashboard.html", context)

    def export_view(self, request, table):
        scope, form, valid, start, end, branch_id, branches = self._period(request)
        if not valid:
            raise Http404(_("The period is not valid: fix it on the dashboard first."))
        rows = summaries_for_period(
            start=start, end=end, branch_id=branch_id, all_branches=scope.all_branches
        )
        titles = guide_titles(language=translation.get_language())
        report = build_report(rows, start=start, end=end, guide_titles=titles)
        tables = {t.key: t for s in report for t in s.tables}
        if table not in tables:
            raise Http404(_("No such table on the dashboard."))
        chosen = tables[table]
        branch = str(branch_id) if branch_id else "all"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="insights-{chosen.key}-{branch}-{start}-{end}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(chosen.columns)
        for row in chosen.rows:
            writer.writerow(csv_cell(cell) for cell in row)
        return response
