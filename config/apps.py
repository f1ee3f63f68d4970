"""The project's own configuration of third-party apps."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes under a translated name: axes gives its app no verbose_name, so the
    admin would show its label, "Axes", in English."""

    verbose_name = _("Login protection")
