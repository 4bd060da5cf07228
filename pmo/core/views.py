from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView, UpdateView

from pmo.core import roles
from pmo.core.forms import ProfileForm
from pmo.core.health import check_broker, check_database

HOME_BY_ROLE = {
    roles.PMO: "projects:portfolio_list",
    roles.EXECUTIVE: "projects:portfolio_list",
    roles.PM: "projects:my_projects",
    roles.RESOURCE_MANAGER: "projects:project_list",
    roles.MEMBER: "projects:my_work",
}


class HomeView(RedirectView):
    """Send each role to where it works."""

    def get_redirect_url(self, *args, **kwargs):
        return reverse(HOME_BY_ROLE.get(self.request.user.primary_role, "projects:my_work"))


@login_not_required
@never_cache
@require_GET
def healthz(request):
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if healthy else 503)


class ProfileView(UpdateView):
    form_class = ProfileForm
    template_name = "core/profile.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        user = form.save()
        messages.success(self.request, _("Your profile was saved."))
        response = HttpResponseRedirect(reverse("profile"))
        if user.language:
            translation.activate(user.language)
            response.set_cookie(
                "django_language", user.language, samesite="Lax", max_age=365 * 24 * 3600
            )
        else:
            response.delete_cookie("django_language")
        return response


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a plain render of a static page.
    return render(request, "500.html", status=500)
