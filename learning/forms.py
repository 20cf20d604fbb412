from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

WRONG_PASSWORD = gettext_noop("That is not your password; nothing was deleted.")


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so a stolen session cannot do it alone."""

    password = forms.CharField(widget=forms.PasswordInput, label=_("Your password"))
    confirm = forms.BooleanField(
        label=_("I understand that my progress, answers, reviews and certificates are deleted.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext(WRONG_PASSWORD))
        return password
