from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from participants.selectors import participant_get_for_user

from .data_export import export_filename, participant_data_export


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def data_export(request):
    """Download all my data and its processing history (UU PDP): a page, then a POST.

    A POST, so link prefetchers never create an export (and its audit event) by themselves.
    """
    participant = participant_get_for_user(user=request.user)
    if participant is None:
        raise Http404
    if request.method == "POST":
        archive = participant_data_export(participant=participant, actor=request.user)
        return FileResponse(  # streams the archive in chunks, then closes it
            archive,
            as_attachment=True,
            filename=export_filename(today=timezone.localdate()),
            content_type="application/zip",
        )
    return render(request, "participants/data_export.html", {"participant": participant})
