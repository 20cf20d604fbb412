from django import forms

WRONG_PASSWORD = "That is not your password; nothing was deleted."  # noqa: S105 - a message, not a secret


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so a stolen session cannot do it alone."""

    password = forms.CharField(widget=forms.PasswordInput, label="Your password")
    confirm = forms.BooleanField(
        label="I understand that my progress, answers, reviews and certificates are deleted."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD)
        return password
