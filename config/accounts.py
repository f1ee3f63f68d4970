"""The login form's messages: what to do, in the page's language, as every other form says it
(Django's own say "This field is required.")."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's ``AuthenticationForm`` with messages that say what to write."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Write your user name.")
        self.fields["password"].error_messages["required"] = _("Write your password.")
