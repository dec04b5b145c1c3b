from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts import services
from gcmhub.accounts.models import Role


class ServiceSetPasswordForm(SetPasswordForm):
    """The reset form, saving through ``user_set_password`` so the change is audited."""

    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            by=None, user=self.user, password=self.cleaned_data["new_password1"]
        )


class ServicePasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            by=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
