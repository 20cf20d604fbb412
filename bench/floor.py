"""Two pages that do nothing of their own, to measure what every logged-in page pays.

/healthz is the baseline: gunicorn, the middleware and a response. `reader` adds what
Django's authentication costs before any view of ours runs (the session and the user, two
queries); `frame` adds the site's frame around an empty page (base.html: the nav with its
due reviews and teaching link, the account and language menus). A page's ratio to /healthz
cannot beat its floor's, so these rows say which targets are reachable at all.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
@login_required
def reader(request):
    return HttpResponse(str(request.user.pk), content_type="text/plain")


@require_safe
@login_required
def frame(request):
    return render(request, "base.html")
