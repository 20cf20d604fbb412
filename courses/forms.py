from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True, label=_("Email"), help_text=_("For password resets; never shown to others.")
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
