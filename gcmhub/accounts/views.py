from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gcmhub.accounts import selectors, services
from gcmhub.accounts.forms import (
    AuditFilterForm,
    MemberForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
)
from gcmhub.accounts.models import Membership, User
from gcmhub.common.errors import InvalidInput, PermissionDenied
from gcmhub.common.exports import FORMATS, export_response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ServiceSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ServicePasswordChangeForm
    success_url = reverse_lazy("accounts:profile")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": selectors.user_memberships(user=user),
            "can_view_audit": selectors.can_view_audit(user),
            "json_url": "/api/v1/accounts/me",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    organisation = selectors.organisation_get(slug=slug)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = User.objects.filter(username=form.cleaned_data["username"]).first()
        if target is None:
            form.add_error("username", _("No user with this name."))
        else:
            try:
                services.membership_set(
                    by=user, user=target, organisation=organisation, role=form.cleaned_data["role"]
                )
            except InvalidInput as exc:
                for err in exc.errors or []:
                    form.add_error(None, err.message)
            else:
                messages.success(request, _("The membership was saved."))
                return redirect("accounts:members", slug=slug)
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "members": selectors.membership_list(user=user, organisation=organisation),
            "form": form,
            "json_url": f"/api/v1/accounts/organisations/{slug}/members",
        },
    )


@login_required
@require_http_methods(["POST"])
def member_revoke(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    organisation = selectors.organisation_get(slug=slug)
    membership = get_object_or_404(Membership, organisation=organisation, user__username=username)
    try:
        services.membership_revoke(by=user, membership=membership)
    except InvalidInput as exc:
        messages.error(request, exc.errors[0].message if exc.errors else exc.message)
    else:
        messages.success(request, _("The membership was removed."))
    return redirect("accounts:members", slug=slug)


def _audit_filters(form: AuditFilterForm) -> dict[str, object]:
    if not form.is_valid():
        return {}
    data = form.cleaned_data
    tz = timezone.get_current_timezone()
    filters: dict[str, object] = {"action": data["action"] or None, "actor": data["actor"] or None}
    if data["since"]:
        filters["since"] = dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz)
    if data["until"]:
        filters["until"] = dt.datetime.combine(
            data["until"], dt.time.min, tzinfo=tz
        ) + dt.timedelta(days=1)
    return filters


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not selectors.can_view_audit(user):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_event_list(user=user, **_audit_filters(form))  # type: ignore[arg-type]
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(_("Unknown export format."))
        return export_response(
            selectors.audit_rows(events), selectors.AUDIT_EXPORT_COLUMNS, fmt, filename="audit-log"
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "json_url": "/api/v1/audit/events",
        },
    )
