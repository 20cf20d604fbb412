"""The learner's own pages: the dashboard, their data, deleting their account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from learning import charts, selectors, services
from learning.forms import DeleteAccountForm
from quizzes.review import MARKS, attempts_hiding
from quizzes.reviews import reviews_due_fresh


@login_required
def dashboard(request):
    user, now = request.user, timezone.now()
    hidden = attempts_hiding(user, MARKS, now)  # marks the quizzes' review policies hide now
    mastery = selectors.mastery_rows(user, hidden)
    history = selectors.score_history(user, hidden)
    return render(request, "learning/dashboard.html", {
        "enrollments": selectors.enrollments_with_progress(user),
        "quizzes": selectors.quiz_history(user, hidden),
        "reviews_due": reviews_due_fresh(user=user),  # also the nav's figure: counted once
        "weakest": [row for row in mastery if row.mastery.level != "mastered"][: selectors.WEAKEST],
        "mastery": mastery,
        "mastery_chart": charts.mastery_chart(mastery),
        "history": history,
        "score_chart": charts.score_chart(history) if len(history) > 1 else None,
    })  # fmt: skip


@login_required
def my_data(request):
    return render(request, "learning/my_data.html", {"form": DeleteAccountForm(user=request.user)})


@login_required
def my_data_download(request):
    """Everything the site holds about the learner, as one JSON file."""
    response = JsonResponse(
        services.learner_data(user=request.user), json_dumps_params={"indent": 2}
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="indivisible-my-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "learning/my_data.html", {"form": form}, status=400)
    user = request.user
    logout(request)
    services.account_delete(user=user)
    messages.success(request, gettext("Your account and personal data were deleted."))
    return redirect("courses:catalog")
